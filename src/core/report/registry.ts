import { jsonRenderer } from './json.js';
import { markdownRenderer } from './markdown.js';
import type { Renderer } from './renderer.js';
import { sarifRenderer } from './sarif.js';
import { textRenderer } from './text.js';

/** Every scan report format, in one list. Adding a format takes one module and one line here. */
export const renderers: Renderer[] = [textRenderer, jsonRenderer, sarifRenderer, markdownRenderer];

export const reportFormats = renderers.map((r) => r.format);

export function rendererFor(format: string): Renderer | undefined {
  return renderers.find((r) => r.format === format);
}
