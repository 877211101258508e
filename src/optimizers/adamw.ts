// adamw (PyTorch's AdamW): w := w·(1 − μλ) first (decoupled decay, default λ = 0.01), then the
// adam step with no λ in the gradient. Same kernel as adam with DECOUPLED; shares adam's m, v and t.
import { adamFamily } from './adam.js';

export const adamw = adamFamily('adamw', true, 0.01);
