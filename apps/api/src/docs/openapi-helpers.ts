/** Small builders for the OpenAPI document. */
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const json = (schema: object) => ({ content: { 'application/json': { schema } } });
export const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [String(status), { description: 'error', ...json(ref('ApiError')) }]));
/** An API key, or a session cookie (whose writes also need the X-CSRF-Token header). */
export const bearer = [{ apiKey: [] }, { session: [], csrf: [] }];
export const sse = (description: string) => ({
  description,
  content: { 'text/event-stream': { schema: { type: 'string' } } },
});
