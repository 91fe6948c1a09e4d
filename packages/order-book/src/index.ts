export * from './codes.js';
export { auctionUncross, type AuctionLevel, type AuctionUncross } from './auction-price.js';
export type { BookEvents } from './book-events.js';
export { OrderBook } from './order-book.js';
export type { LevelView } from './price-levels.js';
export type { BookConfig } from './order-rules.js';
export type { BookSnapshot, SnapshotOrder } from './book-state.js';
export {
  ContractBook,
  DEFAULT_PLACEMENT_MAX_DELAY_MS,
  DEFAULT_PLACEMENT_MEMORY_MS,
  type ContractBookOptions,
  type ContractBookSnapshot,
} from './contract-book.js';
export { REJECT_MESSAGES } from './contract-events.js';
export type { PlacementMemorySnapshot } from './placement-memory.js';
