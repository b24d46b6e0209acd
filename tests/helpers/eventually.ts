// Polls until `fn` resolves without throwing, or the deadline passes (then the last error is thrown).
// Tests wait for state this way, never by sleeping a fixed time.
export async function eventually<T>(
  fn: () => Promise<T> | T,
  { timeoutMs = 20_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
