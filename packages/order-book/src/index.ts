export * from './codes.js';
export { OrderBook, type BookConfig, type BookEvents, type LevelView } from './order-book.js';
export type { BookSnapshot, SnapshotOrder } from './book-state.js';
export { ContractBook, REJECT_MESSAGES, type ContractBookSnapshot } from './contract-book.js';
