/** What a view or dialog shows while its code is still loading: one short line, read out politely. */
export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}
