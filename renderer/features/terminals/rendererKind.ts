/** GPU names that mean WebGL runs in software, where xterm's WebGL renderer is slower than the DOM one. */
const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|softpipe|software|basic render driver/i;

export type RendererKind = 'webgl' | 'dom';

let detected: RendererKind | undefined;

/**
 * WebGL when a real GPU draws it, the DOM renderer otherwise: on software GL the WebGL addon is
 * about three times slower than the DOM (16 vs 45–52 MB/s measured in headless Chromium).
 */
export function preferredRenderer(): RendererKind {
  detected ??= detect();
  return detected;
}

function detect(): RendererKind {
  try {
    const canvas = document.createElement('canvas');
    const gl = canvas.getContext('webgl2');
    if (!gl) return 'dom';
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : String(gl.getParameter(gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return SOFTWARE_RENDERERS.test(name) ? 'dom' : 'webgl';
  } catch {
    return 'dom';
  }
}
