/**
 * The Kafka protocol's primitive types (non-flexible versions only): big-endian integers, zig-zag varints inside
 * record batches, int16-length strings, int32-length bytes and arrays, -1 for null.
 */
export class ProtocolError extends Error {}

export class Reader {
  private offset = 0;

  constructor(private readonly buffer: Buffer) {}

  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  private need(bytes: number): void {
    if (bytes < 0 || this.offset + bytes > this.buffer.length) {
      throw new ProtocolError(`truncated: needed ${bytes} bytes at ${this.offset} of ${this.buffer.length}`);
    }
  }

  int8(): number {
    this.need(1);
    return this.buffer.readInt8(this.offset++);
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    this.need(2);
    const value = this.buffer.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  int32(): number {
    this.need(4);
    const value = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  int64(): bigint {
    this.need(8);
    const value = this.buffer.readBigInt64BE(this.offset);
    this.offset += 8;
    return value;
  }

  /** An int64 that must fit a JavaScript number (offsets, timestamps). */
  int64Number(): number {
    const value = this.int64();
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new ProtocolError(`int64 out of range: ${value}`);
    }
    return Number(value);
  }

  nullableString(): string | null {
    const length = this.int16();
    if (length === -1) return null;
    if (length < -1) throw new ProtocolError(`negative string length ${length}`);
    this.need(length);
    const value = this.buffer.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  string(): string {
    const value = this.nullableString();
    if (value === null) throw new ProtocolError('null where a string is required');
    return value;
  }

  nullableBytes(): Buffer | null {
    const length = this.int32();
    if (length === -1) return null;
    if (length < -1) throw new ProtocolError(`negative bytes length ${length}`);
    this.need(length);
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  bytes(): Buffer {
    return this.nullableBytes() ?? Buffer.alloc(0);
  }

  /** An array; a null array reads as null. Each element must consume at least one byte, so counts are bounded. */
  nullableArray<T>(element: (reader: Reader) => T): T[] | null {
    const count = this.int32();
    if (count === -1) return null;
    if (count < -1 || count > this.remaining) throw new ProtocolError(`bad array length ${count}`);
    const items: T[] = [];
    for (let i = 0; i < count; i++) items.push(element(this));
    return items;
  }

  array<T>(element: (reader: Reader) => T): T[] {
    return this.nullableArray(element) ?? [];
  }
}

export class Writer {
  private chunks: Buffer[] = [];
  private current = Buffer.allocUnsafe(1024);
  private used = 0;
  private flushedLength = 0;

  get length(): number {
    return this.flushedLength + this.used;
  }

  private room(bytes: number): void {
    if (this.used + bytes <= this.current.length) return;
    this.flushCurrent();
    this.current = Buffer.allocUnsafe(Math.max(1024, bytes));
  }

  /** Hands the written part of the current buffer to the output; later writes continue after it, never over it. */
  private flushCurrent(): void {
    if (this.used === 0) return;
    this.chunks.push(this.current.subarray(0, this.used));
    this.current = this.current.subarray(this.used);
    this.flushedLength += this.used;
    this.used = 0;
  }

  int8(value: number): this {
    this.room(1);
    this.current.writeInt8(value, this.used++);
    return this;
  }

  bool(value: boolean): this {
    return this.int8(value ? 1 : 0);
  }

  int16(value: number): this {
    this.room(2);
    this.current.writeInt16BE(value, this.used);
    this.used += 2;
    return this;
  }

  int32(value: number): this {
    this.room(4);
    this.current.writeInt32BE(value, this.used);
    this.used += 4;
    return this;
  }

  int64(value: number | bigint): this {
    this.room(8);
    this.current.writeBigInt64BE(BigInt(value), this.used);
    this.used += 8;
    return this;
  }

  nullableString(value: string | null): this {
    if (value === null) return this.int16(-1);
    const length = Buffer.byteLength(value);
    this.int16(length);
    this.room(length);
    this.current.write(value, this.used, 'utf8');
    this.used += length;
    return this;
  }

  string(value: string): this {
    return this.nullableString(value);
  }

  /** Raw bytes with no length prefix; large buffers are referenced, not copied. */
  raw(value: Buffer): this {
    if (value.length > 4096) {
      this.flushCurrent();
      this.chunks.push(value);
      this.flushedLength += value.length;
      return this;
    }
    this.room(value.length);
    value.copy(this.current, this.used);
    this.used += value.length;
    return this;
  }

  nullableBytes(value: Buffer | null): this {
    if (value === null) return this.int32(-1);
    return this.int32(value.length).raw(value);
  }

  bytes(value: Buffer): this {
    return this.nullableBytes(value);
  }

  array<T>(items: readonly T[], element: (writer: this, item: T, index: number) => void): this {
    this.int32(items.length);
    items.forEach((item, index) => element(this, item, index));
    return this;
  }

  nullableArray<T>(items: readonly T[] | null, element: (writer: this, item: T, index: number) => void): this {
    return items === null ? this.int32(-1) : this.array(items, element);
  }

  /** The bytes written, as a list of buffers (no copy). */
  buffers(): Buffer[] {
    this.flushCurrent();
    return this.chunks;
  }
}
