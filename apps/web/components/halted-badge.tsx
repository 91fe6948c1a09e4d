/** Marks an instrument whose trading an administrator has suspended. */
export function HaltedBadge() {
  return (
    <span
      className="ml-2 rounded bg-amber-500/20 px-1.5 py-0.5 text-[10px] font-semibold uppercase text-amber-300"
      data-testid="halted"
    >
      suspenso
    </span>
  );
}
