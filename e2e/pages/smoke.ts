// Smoke page: proves the harness end to end (dev server, TS transform, WebGPU adapter, a compute
// dispatch and a readback) without the library. window.runSmoke() doubles an array on the GPU.
const SHADER = /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> data: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  if (id.x < arrayLength(&data)) { data[id.x] = data[id.x] * 2.0; }
}`;

export interface SmokeResult {
  hasGpu: boolean;
  adapter: { vendor: string; architecture: string; description: string; isFallback: boolean } | null;
  output: number[] | null;
}

async function runSmoke(n = 1000): Promise<SmokeResult> {
  if (!('gpu' in navigator) || !navigator.gpu) return { hasGpu: false, adapter: null, output: null };
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) return { hasGpu: true, adapter: null, output: null };
  const info = adapter.info;
  const device = await adapter.requestDevice();
  device.pushErrorScope('validation');

  const input = Float32Array.from({ length: n }, (_, i) => i - 7.5);
  const data = device.createBuffer({
    size: input.byteLength,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(data, 0, input);
  const staging = device.createBuffer({ size: input.byteLength, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const pipeline = await device.createComputePipelineAsync({
    layout: 'auto',
    compute: { module: device.createShaderModule({ code: SHADER }), entryPoint: 'main' },
  });
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [{ binding: 0, resource: { buffer: data } }],
  });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(Math.ceil(n / 64));
  pass.end();
  enc.copyBufferToBuffer(data, 0, staging, 0, input.byteLength);
  device.queue.submit([enc.finish()]);

  await staging.mapAsync(GPUMapMode.READ);
  const output = Array.from(new Float32Array(staging.getMappedRange().slice(0)));
  staging.unmap();
  const err = await device.popErrorScope();
  if (err) throw new Error(`WebGPU validation error: ${err.message}`);
  data.destroy();
  staging.destroy();
  device.destroy();

  const result: SmokeResult = {
    hasGpu: true,
    adapter: {
      vendor: info.vendor,
      architecture: info.architecture,
      description: info.description,
      isFallback: (info as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false,
    },
    output,
  };
  document.getElementById('out')!.textContent = JSON.stringify({ ...result, output: output.slice(0, 8) }, null, 2);
  return result;
}

declare global {
  interface Window {
    runSmoke: typeof runSmoke;
  }
}
window.runSmoke = runSmoke;
