// col2im: ∂X of a 2-D convolution from the patch matrix's gradient ∂cols = δ·W (dense_backward_input
// on the matmul cores), NCHW, in gather form (one invocation per input element, no atomics):
//   ∂X[n,c,y,x] = Σ_{a,b : i = (y + ph − a)/sh, j = (x + pw − b)/sw whole, 0 ≤ i < outH, 0 ≤ j < outW}
//                 ∂cols[(n·outH + i)·outW + j, (c·kh + a)·kw + b]
// summed a, then b ascending (the CPU twin's order, src/cpu/im2col.ts); inputs no window covers get 0.
// With y + ph = qy·sh + ry (0 ≤ ry < sh) the terms are a = ry + m·sh, i = qy − m for m = 0, 1, ...
// (a < kh, 0 ≤ i < outH), likewise b and j; the loops walk them with a running ∂cols index.
// Each invocation splits its first element's index into the digits (x, y, c, n) once and then steps
// them by the grid's stride as a mixed-radix sum; qy, ry (qx, rx) come from a float reciprocal with
// an exact integer correction (where y + ph and x + pw stay below 2^22, else a u32 division).
// Bindings: params {batch, inC, inH, inW, kh, kw, sh, sw, ph, pw, outH, outW};
//           dcols: [batch·outH·outW, inC·kh·kw]; dx: ∂X [batch, inC, inH, inW], written.
// Dispatch: up to 4096 workgroups of 256, grid-stride over batch·inC·inH·inW (elementwiseWorkgroups).
// Libraries appended: none.
struct Params { batch: u32, inC: u32, inH: u32, inW: u32, kh: u32, kw: u32, sh: u32, sw: u32, ph: u32, pw: u32, outH: u32, outW: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> dcols: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;

/**
 * (v / d, v % d) for 1 ≤ d. With `small` (v, d < 2^22) from f32: v·(1/d) is then within 0.5 of v/d,
 * so its floor is off by at most one, which the remainder's sign and size put right.
 */
fn divmod(v: u32, d: u32, inv: f32, small: bool) -> vec2u {
  if (!small) { return vec2u(v / d, v % d); }
  var q = u32(f32(v) * inv);
  var r = v - q * d; // wraps above 2^31 when q is one too many
  let over = r >= 0x80000000u;
  let under = !over && r >= d;
  q = q + u32(under) - u32(over);
  r = r + select(0u, d, over) - select(0u, d, under);
  return vec2u(q, r);
}

/** Digits (x, y, c, n) of an element index ((n·inC + c)·inH + y)·inW + x. */
fn split(e: u32, p: Params) -> vec4u {
  return vec4u(e % p.inW, (e / p.inW) % p.inH, (e / (p.inW * p.inH)) % p.inC, e / (p.inW * p.inH * p.inC));
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let p = params;
  let depth = p.inC * p.kh * p.kw;
  let count = p.batch * p.inC * p.inH * p.inW;
  let small = p.inH + p.ph < 4194304u && p.inW + p.pw < 4194304u && p.sh < 4194304u && p.sw < 4194304u;
  let invH = 1.0 / f32(p.sh);
  let invW = 1.0 / f32(p.sw);
  // Steps of the ∂cols index: the next b (j one less), and the next a (i one less).
  let stepB = p.sw - depth; // u32 arithmetic wraps: adding it subtracts depth − sw
  let stepA = p.sh * p.kw - p.outW * depth;
  let stride = nwg.x * 256u;
  var e = gid.x;
  if (e >= count) { return; }
  var d = split(e, p);
  // The stride's digits, only where this invocation has a second element (never on a large grid).
  var s = vec4u(0u);
  if (e + stride < count) { s = split(stride, p); }
  loop {
    let ty = divmod(d.y + p.ph, p.sh, invH, small); // (qy, ry)
    let tx = divmod(d.x + p.pw, p.sw, invW, small);
    // First m: i = q − m must be below outH.
    let my0 = select(0u, ty.x + 1u - p.outH, ty.x >= p.outH);
    let mx0 = select(0u, tx.x + 1u - p.outW, tx.x >= p.outW);
    let b0 = tx.y + mx0 * p.sw;
    var a = ty.y + my0 * p.sh;
    var rowAt = ((d.w * p.outH + ty.x - my0) * p.outW + tx.x - mx0) * depth + (d.z * p.kh + a) * p.kw + b0;
    var sum = 0.0;
    for (var my = my0; my <= ty.x && a < p.kh; my++) {
      var at = rowAt;
      var b = b0;
      for (var mx = mx0; mx <= tx.x && b < p.kw; mx++) {
        sum += dcols[at];
        at += stepB;
        b += p.sw;
      }
      rowAt += stepA;
      a += p.sh;
    }
    dx[e] = sum;
    e += stride;
    if (e >= count) { break; }
    // d += s: each digit and stride digit is below its radix, so one carry at most.
    var v = d.x + s.x;
    var carry = u32(v >= p.inW);
    d.x = v - carry * p.inW;
    v = d.y + s.y + carry;
    carry = u32(v >= p.inH);
    d.y = v - carry * p.inH;
    v = d.z + s.z + carry;
    carry = u32(v >= p.inC);
    d.z = v - carry * p.inC;
    d.w += s.w + carry;
  }
}
