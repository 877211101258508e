// Node without a GPU: when Dawn (the `webgpu` package) finds no adapter, createContext's error says
// what is missing (the Vulkan loader libvulkan.so.1, a Vulkan driver / VK_ICD_FILENAMES) and the
// command line to run, instead of "install the webgpu package", which the user has already done.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { diagnoseNodeAdapter, nodeProbe, SWIFTSHADER_ICD, type NodeSetupProbe } from '../src/gpu/node_setup';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** A machine with exactly `files` (absolute paths) and the environment `env`. */
function fakeMachine(files: string[], env: Record<string, string> = {}, platform = 'linux'): NodeSetupProbe {
  const set = new Set(files);
  return {
    platform,
    env,
    exists: (p) => set.has(p),
    list: (dir) => files.filter((f) => f.startsWith(`${dir}/`)).map((f) => f.slice(dir.length + 1)),
    read: () => null,
    script: 'train.js',
  };
}

const CHROMIUM = ['/usr/lib/chromium/libvulkan.so.1', SWIFTSHADER_ICD, '/usr/lib/chromium/libvk_swiftshader.so'];

describe('diagnoseNodeAdapter', () => {
  it('Debian with chromium, nothing set: names the loader and the driver, and the command with both variables', () => {
    const m = diagnoseNodeAdapter(fakeMachine(CHROMIUM));
    expect(m).toContain('libvulkan.so.1');
    expect(m).toContain('LD_LIBRARY_PATH (not set)');
    expect(m).toContain('neither VK_ICD_FILENAMES nor VK_DRIVER_FILES is set');
    expect(m).toContain('`VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json LD_LIBRARY_PATH=/usr/lib/chromium node train.js`');
    expect(m).not.toContain('install the `webgpu` package');
  });

  it('VK_ICD_FILENAMES set alone (the Debian trap): the loader is what is missing, LD_LIBRARY_PATH is the fix', () => {
    const m = diagnoseNodeAdapter(fakeMachine(CHROMIUM, { VK_ICD_FILENAMES: SWIFTSHADER_ICD }));
    expect(m).toContain('the Vulkan loader libvulkan.so.1 is not in the system library directories');
    expect(m).not.toContain('VK_ICD_FILENAMES names');
    // Only the missing variable is added to the command.
    expect(m).toContain('run `LD_LIBRARY_PATH=/usr/lib/chromium node train.js`');
  });

  it('VK_ICD_FILENAMES pointing at a missing file: names the file', () => {
    const m = diagnoseNodeAdapter(fakeMachine(CHROMIUM, { VK_ICD_FILENAMES: '/opt/nowhere/icd.json', LD_LIBRARY_PATH: '/usr/lib/chromium' }));
    expect(m).toContain('VK_ICD_FILENAMES names /opt/nowhere/icd.json, which does not exist');
    expect(m).not.toContain('libvulkan.so.1 is not');
    expect(m).toContain(`\`VK_ICD_FILENAMES=${SWIFTSHADER_ICD} node train.js\``);
  });

  it('VK_DRIVER_FILES (which takes precedence) pointing at a missing file: the fix sets VK_DRIVER_FILES', () => {
    const m = diagnoseNodeAdapter(fakeMachine(['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', SWIFTSHADER_ICD], { VK_DRIVER_FILES: '/gone.json' }));
    expect(m).toContain('VK_DRIVER_FILES names /gone.json, which does not exist');
    expect(m).toContain(`\`VK_DRIVER_FILES=${SWIFTSHADER_ICD} node train.js\``);
  });

  it('no chromium and no loader: says to install chromium, with the command for afterwards', () => {
    const m = diagnoseNodeAdapter(fakeMachine([]));
    expect(m).toContain('libvulkan.so.1');
    expect(m).toContain('sudo apt-get install chromium');
    expect(m).toContain('`VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json LD_LIBRARY_PATH=/usr/lib/chromium node train.js`');
    expect(m).toContain("backend: 'cpu'");
  });

  it('a system loader and an installed driver: points at Dawn\'s stderr and offers SwiftShader', () => {
    const m = diagnoseNodeAdapter(
      fakeMachine(['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/share/vulkan/icd.d/nvidia_icd.json', ...CHROMIUM]),
    );
    expect(m).toContain('/usr/share/vulkan/icd.d/nvidia_icd.json');
    expect(m).toContain('stderr');
    expect(m).toContain(`\`VK_ICD_FILENAMES=${SWIFTSHADER_ICD} node train.js\``);
  });

  it('a loader found through LD_LIBRARY_PATH or the ld.so cache counts as found', () => {
    const viaPath = diagnoseNodeAdapter(fakeMachine(['/opt/vk/libvulkan.so.1', SWIFTSHADER_ICD], { LD_LIBRARY_PATH: '/x:/opt/vk' }));
    expect(viaPath).not.toContain('libvulkan.so.1 is not');
    const cache = new TextEncoder().encode('\0ld.so-1.7.0\0libc.so.6\0libvulkan.so.1\0');
    const viaCache = diagnoseNodeAdapter({ ...fakeMachine([SWIFTSHADER_ICD]), read: (p) => (p === '/etc/ld.so.cache' ? cache : null) });
    expect(viaCache).not.toContain('libvulkan.so.1 is not');
    expect(viaCache).toContain(`\`VK_ICD_FILENAMES=${SWIFTSHADER_ICD} node train.js\``);
  });

  it('macOS and Windows get their own advice, not Vulkan paths', () => {
    expect(diagnoseNodeAdapter(fakeMachine([], {}, 'darwin'))).toContain('Metal');
    expect(diagnoseNodeAdapter(fakeMachine([], {}, 'win32'))).toContain('Direct3D 12');
    expect(diagnoseNodeAdapter(fakeMachine([], {}, 'darwin'))).not.toContain('libvulkan');
  });

  it('nodeProbe reads this process: environment and file system through process.getBuiltinModule', () => {
    const probe = nodeProbe();
    expect(probe).not.toBeNull();
    expect(probe!.platform).toBe(process.platform);
    expect(probe!.exists(fileURLToPath(import.meta.url))).toBe(typeof process.getBuiltinModule === 'function');
    expect(probe!.exists('/definitely/not/here')).toBe(false);
    expect(probe!.list('/definitely/not/here')).toEqual([]);
  });
});

describe('createContext in a Node process started without scripts/webgpu-env.sh', () => {
  it('names libvulkan.so.1 / VK_ICD_FILENAMES and the command to run', (ctx) => {
    const env = { ...process.env };
    for (const name of ['VK_ICD_FILENAMES', 'VK_DRIVER_FILES', 'LD_LIBRARY_PATH']) delete env[name];
    const child = spawnSync(
      process.execPath,
      ['--import', './scripts/register-raw.mjs', '--import', 'tsx', 'test/helpers/no-gpu-context.ts'],
      { cwd: repoRoot, env, encoding: 'utf8', timeout: 60_000 },
    );
    expect(child.status, child.stderr).toBe(0);
    const result = JSON.parse(child.stdout.trim().split('\n').pop()!) as { adapter?: unknown; name?: string; message?: string };
    if (result.adapter) {
      // Dawn found a driver of this machine on its own (a GPU, or a system-wide Vulkan driver).
      console.log(`skipped: Dawn found an adapter without VK_ICD_FILENAMES/LD_LIBRARY_PATH: ${JSON.stringify(result.adapter)}`);
      ctx.skip();
      return;
    }
    expect(result.name).toBe('WebGPUUnavailableError');
    expect(result.message).toMatch(/libvulkan\.so\.1|VK_ICD_FILENAMES/);
    expect(result.message).toContain('node test/helpers/no-gpu-context.ts');
    expect(result.message).not.toContain('install the `webgpu` package');
  });
});
