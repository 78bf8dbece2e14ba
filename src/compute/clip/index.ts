export { ClipModel, normaliseRows, type ClipLoadOptions } from './model.js';
export { resolveClip, parseClipSpec, defaultHfCacheDir, type ResolvedClip } from './hub.js';
export { TextTokenizer } from './tokenizer.js';
export { createSession, type Device } from './session.js';
export { hashFile, hashText } from './hash.js';
