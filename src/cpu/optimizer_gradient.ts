/**
 * The gradient every optimizer twin steps with (DESIGN.md: clip the raw gradient, then add L2 decay):
 *   g' = scale · g + weightDecay · w
 * scale is the global-norm clipping factor (1 when not clipping).
 */
export function preparedGradient(g: number, w: number, scale: number, weightDecay: number): number {
  return scale * g + weightDecay * w;
}
