export { ClipModel, normaliseRows, type ClipLoadOptions } from './model.js';
export { resolveClip, parseClipSpec, defaultHfCacheDir, type ResolvedClip } from './hub.js';
export { TextTokenizer } from './tokenizer.js';
export { type Device } from '../onnx/session.js';
export { hashFile, hashText } from './hash.js';
