// WGSL sources are imported as text with Vite's `?raw` suffix (Node scripts: scripts/register-raw.mjs).
declare module '*.wgsl?raw' {
  const src: string;
  export default src;
}

// wgsl_reflect's package.json points Node at a CommonJS build inside a "type": "module" package,
// which Node cannot load; its ES module build works everywhere, so it is imported by path.
declare module 'wgsl_reflect/wgsl_reflect.module.js' {
  export * from 'wgsl_reflect';
}
