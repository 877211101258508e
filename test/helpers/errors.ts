// The error a call throws or rejects with, for tests that look at more than its message.
export async function errorOf(call: () => unknown): Promise<Error> {
  try {
    await call();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to throw or reject');
}
