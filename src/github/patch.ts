/**
 * GitHub gives a unified diff (`patch`) for each PR file. From it we know which head lines the PR
 * added, and we can rebuild those lines at their real line numbers without downloading the file:
 * secrets are judged only on added lines, so the patch holds everything the secret scan needs.
 * The parsing is the project's one unified-diff parser (core/diff/unified.ts).
 */
export { readPatch, type PatchView } from '../core/diff/unified.js';
