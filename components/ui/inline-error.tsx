/** A short error next to the control that caused it, announced to screen readers. */
export function InlineError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <span role="alert" className="text-xs text-rose-700">
      {message}
    </span>
  );
}
