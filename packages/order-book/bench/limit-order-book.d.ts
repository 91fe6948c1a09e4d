/** What the bench uses of limit-order-book, which ships no types. */
declare module 'limit-order-book' {
  type Side = 'bid' | 'ask';
  interface Order {
    readonly orderId: string;
  }
  /** A maker as a result reports it: decimal strings, `filled` what this order took from it. */
  interface FilledMaker {
    readonly orderId: string;
    readonly price: string;
    readonly filled: string;
  }
  interface Book {
    add(order: Order): { readonly makers: readonly FilledMaker[] };
    remove(orderId: string): unknown;
  }
  const limitOrderBook: {
    LimitOrder: new (orderId: string, side: Side, price: string, size: string) => Order;
    MarketOrder: new (orderId: string, side: Side, size: string) => Order;
    LimitOrderBook: new (options: { symbol: string; priceStep: string; sizeStep: string }) => Book;
  };
  export default limitOrderBook;
}
