/**
 * Why Dawn (the `webgpu` package) found no GPU adapter in Node, and what to run instead. Dawn reports
 * the real cause (no Vulkan loader, no Vulkan driver) only as warnings on stderr; this looks at the
 * same things and turns them into an error message with the command line to use.
 *
 * No `import` of Node built-ins: this module is part of the browser bundle too. In Node it reaches
 * the file system through `process.getBuiltinModule` (Node 20.16+, 22.3+); tests pass a fake probe.
 */

/** What the diagnosis may look at: the environment and the file system (faked in tests). */
export interface NodeSetupProbe {
  /** `process.platform`: 'linux', 'darwin', 'win32'… */
  platform: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Whether a file exists. */
  exists(path: string): boolean;
  /** The names in a directory; [] when it does not exist or cannot be read. */
  list(dir: string): string[];
  /** The bytes of a file, or null when it cannot be read (used for /etc/ld.so.cache). */
  read(path: string): Uint8Array | null;
  /** The script the user ran (`process.argv[1]`), to show the command line; 'app.js' when unknown. */
  script?: string;
}

/** Where Debian's chromium package puts its Vulkan loader and SwiftShader (a CPU Vulkan driver). */
export const CHROMIUM_DIR = '/usr/lib/chromium';
export const SWIFTSHADER_ICD = `${CHROMIUM_DIR}/vk_swiftshader_icd.json`;
const LOADER = 'libvulkan.so.1';

/** Directories the dynamic linker searches without LD_LIBRARY_PATH (Debian, Fedora, Arch, multiarch). */
const SYSTEM_LIB_DIRS = [
  '/lib/x86_64-linux-gnu',
  '/usr/lib/x86_64-linux-gnu',
  '/lib/aarch64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/lib64',
  '/usr/lib64',
  '/lib',
  '/usr/lib',
  '/usr/local/lib',
];

/** Where the Vulkan loader looks for installed drivers' manifests when VK_ICD_FILENAMES is not set. */
const SYSTEM_ICD_DIRS = ['/etc/vulkan/icd.d', '/usr/share/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];

/**
 * Explains why no adapter was found and what to do, for the error createContext throws in Node when
 * the injected GPU object's requestAdapter() resolved to null. Never throws.
 */
export function diagnoseNodeAdapter(probe: NodeSetupProbe): string {
  const command = (vars: string) => `\`${vars}node ${probe.script ?? 'app.js'}\``;
  const cpu = "Or train without WebGPU: Sequential.create({ …, backend: 'cpu' }).";
  if (probe.platform === 'darwin') {
    return `Dawn found no Metal device. WebGPU in Node needs macOS 11 or later on a Mac with Metal; Dawn's own warnings, if any, are on stderr. ${cpu}`;
  }
  if (probe.platform === 'win32') {
    return `Dawn found no Direct3D 12 or Vulkan device: update the GPU driver (Windows 10 or later); Dawn's own warnings, if any, are on stderr. ${cpu}`;
  }
  if (probe.platform !== 'linux') {
    return `Dawn found no GPU adapter on ${probe.platform}; its own warnings, if any, are on stderr. ${cpu}`;
  }

  // Linux: Dawn dlopens the Vulkan loader (libvulkan.so.1), which loads a driver named by an ICD
  // manifest: VK_DRIVER_FILES / VK_ICD_FILENAMES, else the manifests installed under icd.d/.
  const icdVar = probe.env.VK_DRIVER_FILES ? 'VK_DRIVER_FILES' : probe.env.VK_ICD_FILENAMES ? 'VK_ICD_FILENAMES' : null;
  const icdFiles = icdVar ? (probe.env[icdVar] ?? '').split(':').filter(Boolean) : [];
  const missingIcd = icdFiles.filter((f) => !probe.exists(f));
  const installedIcds = SYSTEM_ICD_DIRS.flatMap((d) => probe.list(d).filter((n) => n.endsWith('.json')).map((n) => `${d}/${n}`));
  const loaderDir = findLoader(probe);
  const swiftshader = probe.exists(SWIFTSHADER_ICD);
  const chromiumLoader = probe.exists(`${CHROMIUM_DIR}/${LOADER}`);

  const problems: string[] = [];
  if (!loaderDir) {
    const ld = probe.env.LD_LIBRARY_PATH ? `LD_LIBRARY_PATH (${probe.env.LD_LIBRARY_PATH})` : 'LD_LIBRARY_PATH (not set)';
    problems.push(`the Vulkan loader ${LOADER} is not in the system library directories nor in ${ld}`);
  }
  if (icdVar && missingIcd.length === icdFiles.length) {
    problems.push(`${icdVar} names ${missingIcd.join(', ')}, which does not exist`);
  } else if (!icdVar && installedIcds.length === 0) {
    problems.push(`no Vulkan driver is installed (no manifest in ${SYSTEM_ICD_DIRS.join(', ')}) and neither VK_ICD_FILENAMES nor VK_DRIVER_FILES is set`);
  }

  if (problems.length === 0) {
    const driver = icdVar ? `${icdVar}=${probe.env[icdVar]}` : installedIcds.join(', ');
    return (
      `Dawn found no Vulkan adapter although the Vulkan loader (${LOADER} in ${loaderDir}) and a driver (${driver}) are there: ` +
      `see Dawn's warnings on stderr (the driver may not support Vulkan 1.1, or the GPU is not reachable from here, e.g. in a container without the device). ` +
      (swiftshader && !icdFiles.includes(SWIFTSHADER_ICD)
        ? `To use SwiftShader (CPU Vulkan, slow) instead: ${command(`${icdVar ?? 'VK_ICD_FILENAMES'}=${SWIFTSHADER_ICD} `)}. `
        : '') +
      cpu
    );
  }

  const found = `Dawn (the \`webgpu\` package) found no GPU adapter: ${problems.join('; and ')}.`;
  // What to run: SwiftShader from Debian's chromium package is the way without a GPU driver.
  const vars = [
    icdVar && missingIcd.length < icdFiles.length ? '' : `${icdVar ?? 'VK_ICD_FILENAMES'}=${SWIFTSHADER_ICD} `,
    loaderDir ? '' : `LD_LIBRARY_PATH=${CHROMIUM_DIR}${probe.env.LD_LIBRARY_PATH ? `:${probe.env.LD_LIBRARY_PATH}` : ''} `,
  ].join('');
  const haveChromium = swiftshader && (loaderDir !== null || chromiumLoader);
  const gpuDriver = 'With a GPU, install its Vulkan driver instead (Debian/Ubuntu: `apt-get install libvulkan1 mesa-vulkan-drivers`, or the NVIDIA driver).';
  if (haveChromium) {
    return (
      `${found} Without a GPU, use the SwiftShader CPU driver of the installed chromium package: run ${command(vars)} ` +
      `(in the environment Node starts with: LD_LIBRARY_PATH set from inside Node does nothing). ${gpuDriver} ${cpu}`
    );
  }
  return (
    `${found} Without a GPU, install Debian's chromium package for its Vulkan loader and SwiftShader CPU driver ` +
    `(\`sudo apt-get install chromium\` on Debian; Ubuntu's chromium is a snap, not in ${CHROMIUM_DIR}), then run ` +
    `${command(`VK_ICD_FILENAMES=${SWIFTSHADER_ICD} LD_LIBRARY_PATH=${CHROMIUM_DIR} `)}. ${gpuDriver} ${cpu}`
  );
}

/** The directory the dynamic linker would load libvulkan.so.1 from, or null. */
function findLoader(probe: NodeSetupProbe): string | null {
  for (const dir of (probe.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)) {
    if (probe.exists(`${dir}/${LOADER}`)) return dir;
  }
  for (const dir of SYSTEM_LIB_DIRS) if (probe.exists(`${dir}/${LOADER}`)) return dir;
  // Libraries in other directories registered with ldconfig appear by name in its cache.
  const cache = probe.read('/etc/ld.so.cache');
  if (cache && includesAscii(cache, LOADER)) return 'the ld.so cache';
  return null;
}

function includesAscii(bytes: Uint8Array, text: string): boolean {
  const first = text.charCodeAt(0);
  outer: for (let i = bytes.indexOf(first); i >= 0 && i <= bytes.length - text.length; i = bytes.indexOf(first, i + 1)) {
    for (let j = 1; j < text.length; j++) if (bytes[i + j] !== text.charCodeAt(j)) continue outer;
    return true;
  }
  return false;
}

interface NodeFs {
  existsSync(path: string): boolean;
  readdirSync(path: string): string[];
  readFileSync(path: string): Uint8Array;
}

interface NodeProcess {
  platform: string;
  env: Record<string, string | undefined>;
  argv: string[];
  cwd(): string;
  versions: { node?: string };
  getBuiltinModule?: (id: string) => unknown;
}

/**
 * The probe of this Node process: its environment and file system, through process.getBuiltinModule
 * (no import, so bundlers leave it alone). Null outside Node. On Node without getBuiltinModule (before
 * 20.16), the file checks answer "not there", so the advice still names the command to run.
 */
export function nodeProbe(): NodeSetupProbe | null {
  const proc = (globalThis as { process?: NodeProcess }).process;
  if (typeof proc?.versions?.node !== 'string') return null;
  let fs: NodeFs | undefined;
  try {
    fs = proc.getBuiltinModule?.('node:fs') as NodeFs | undefined;
  } catch {
    fs = undefined;
  }
  const script = proc.argv[1] ? relativeToCwd(proc.argv[1], proc.cwd()) : undefined;
  return {
    platform: proc.platform,
    env: proc.env,
    exists: (path) => {
      try {
        return fs?.existsSync(path) ?? false;
      } catch {
        return false;
      }
    },
    list: (dir) => {
      try {
        return fs?.readdirSync(dir) ?? [];
      } catch {
        return [];
      }
    },
    read: (path) => {
      try {
        return fs?.readFileSync(path) ?? null;
      } catch {
        return null;
      }
    },
    script,
  };
}

function relativeToCwd(path: string, cwd: string): string {
  const prefix = cwd.endsWith('/') ? cwd : `${cwd}/`;
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}
