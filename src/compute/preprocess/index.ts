/**
 * Target-network (and CLIP) image preprocessing:
 *
 *   const { spec } = await loadPreprocessSpec('net.onnx');        // sidecar net.json or torchvision default
 *   const batch = await preprocessBatch(['a.jpg', 'b.png'], spec); // Float32Array N x 3 x crop x crop
 */
export {
  TORCHVISION_IMAGENET, OPENAI_CLIP, PRESETS, specFromHfConfig, readHfConfig, parseSpec, sidecarPath,
  loadPreprocessSpec, validateSpec, type PreprocessSpec, type Interpolation,
} from './spec.js';
export { preprocessImage, preprocessBatch, decodeRgb, resizedSize, type RawImage, type ImageSource } from './image.js';
