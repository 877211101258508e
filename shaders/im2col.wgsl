// im2col: the patch matrix of a 2-D convolution (implicit GEMM's left operand), NCHW input:
//   cols[(n·outH + i)·outW + j, (c·kh + a)·kw + b] = X[n, c, i·sh + a − ph, j·sw + b − pw]   (0 outside)
// so that U (as [batch·outH·outW, filters]) = cols · Wᵀ + b with W [filters, inC·kh·kw] is a dense
// layer's forward (dense_forward.wgsl on the matmul cores), and ∂W = δᵀ·cols its backward.
// Each invocation splits its first element's index into the digits (b, a, c, j, i, n) once and then
// steps them by the grid's stride as a mixed-radix sum (one compare and subtract per digit), so an
// element costs no integer division (which a CPU adapter runs lane by lane and a GPU emulates).
// Bindings: params {batch, inC, inH, inW, kh, kw, sh, sw, ph, pw, outH, outW};
//           x: X [batch, inC, inH, inW]; cols: [batch·outH·outW, inC·kh·kw], written.
// Dispatch: up to 4096 workgroups of 256, grid-stride over the cols elements (elementwiseWorkgroups).
// Libraries appended: none.
struct Params { batch: u32, inC: u32, inH: u32, inW: u32, kh: u32, kw: u32, sh: u32, sw: u32, ph: u32, pw: u32, outH: u32, outW: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> cols: array<f32>;

/** Digits of e = ((((n·outH + i)·outW + j)·inC + c)·kh + a)·kw + b: (b, a, c, j) and (i, n). */
struct Digits { lo: vec4u, hi: vec2u }

fn split(e: u32, p: Params) -> Digits {
  let k = e % (p.inC * p.kh * p.kw);
  let row = e / (p.inC * p.kh * p.kw);
  return Digits(vec4u(k % p.kw, (k / p.kw) % p.kh, k / (p.kw * p.kh), row % p.outW), vec2u((row / p.outW) % p.outH, row / (p.outW * p.outH)));
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let p = params;
  let count = p.batch * p.outH * p.outW * p.inC * p.kh * p.kw;
  let stride = nwg.x * 256u;
  var e = gid.x;
  if (e >= count) { return; }
  var d = split(e, p);
  // The stride's digits, only where this invocation has a second element (never on a large grid).
  var s = Digits(vec4u(0u), vec2u(0u));
  if (e + stride < count) { s = split(stride, p); }
  loop {
    let yy = d.hi.x * p.sh + d.lo.y - p.ph; // u32: above the window's top wraps to ≥ inH
    let xx = d.lo.w * p.sw + d.lo.x - p.pw;
    let inside = yy < p.inH && xx < p.inW;
    let at = select(0u, ((d.hi.y * p.inC + d.lo.z) * p.inH + yy) * p.inW + xx, inside);
    cols[e] = select(0.0, x[at], inside);
    e += stride;
    if (e >= count) { break; }
    // d += s, digit by digit: each digit and stride digit is below its radix, so one carry at most.
    var v = d.lo.x + s.lo.x;
    var carry = u32(v >= p.kw);
    d.lo.x = v - carry * p.kw;
    v = d.lo.y + s.lo.y + carry;
    carry = u32(v >= p.kh);
    d.lo.y = v - carry * p.kh;
    v = d.lo.z + s.lo.z + carry;
    carry = u32(v >= p.inC);
    d.lo.z = v - carry * p.inC;
    v = d.lo.w + s.lo.w + carry;
    carry = u32(v >= p.outW);
    d.lo.w = v - carry * p.outW;
    v = d.hi.x + s.hi.x + carry;
    carry = u32(v >= p.outH);
    d.hi.x = v - carry * p.outH;
    d.hi.y += s.hi.y + carry;
  }
}
