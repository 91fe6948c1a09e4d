/** A unique-key violation, as PostgreSQL (23505) or Prisma (P2002) reports it. */
export function isUniqueViolation(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === '23505' || code === 'P2002';
}
