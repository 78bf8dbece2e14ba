"""Build the small ONNX test models and their PyTorch-computed expectations.

Run from the repository root with a Python that has torch 1.13 + torchvision 0.14 + onnx + Pillow:

    python3 tools/testmodels/build.py

Writes into test/fixtures/models/:
  resnet_tiny.onnx      torchvision-style ResNet (BasicBlock, modules conv1 bn1 relu maxpool
                        layer1..layer4 avgpool fc), widths 8/16/32/64, blocks [2,2,2,2], 32x32 input
  vit_tiny.onnx         torchvision VisionTransformer (image 32, patch 8, 2 layers, hidden 32)
  resnet_tiny_dynamo.onnx  the same ResNet named the way torch's dynamo exporter names nodes
                        (generic names + `pkg.torch.onnx.name_scopes` node metadata)
  cnn_tiny.onnx         plain CNN with `features` / `classifier` Sequentials (2-D layers)
  <model>.json          sidecar preprocessing recipe (ImageNet recipe scaled to the input size)
  <model>.expected.json per-layer pooled activations for fixed inputs, taken with forward hooks
                        on the PyTorch modules (4-D: spatial mean and max, 3-D: CLS token, 2-D: as is)
  preprocess/           a few images plus preprocess.expected.json: tensors computed with
                        torchvision transforms (ImageNet recipe) and PIL bicubic (CLIP recipe)

Everything is seeded: reruns with the same torch version give byte-identical files.
"""

import base64
import json
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
from PIL import Image, ImageFilter
from torchvision import transforms
from torchvision.models.resnet import BasicBlock
from torchvision.models.vision_transformer import VisionTransformer

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'models')
OPSET = 14


class TinyResNet(nn.Module):
    """torchvision.models.ResNet with reduced widths and a CIFAR-style stem (3x3 stride-1 conv1),
    so layer4 still has a 2x2 map on 32x32 input and avg and max pooling differ. The module
    names and block structure are torchvision's, so exported node names match a real ResNet."""

    def __init__(self, widths=(8, 16, 32, 64), blocks=(2, 2, 2, 2), num_classes=10):
        super().__init__()
        self.inplanes = widths[0]
        self.conv1 = nn.Conv2d(3, widths[0], kernel_size=3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(widths[0], blocks[0], stride=1)
        self.layer2 = self._make_layer(widths[1], blocks[1], stride=2)
        self.layer3 = self._make_layer(widths[2], blocks[2], stride=2)
        self.layer4 = self._make_layer(widths[3], blocks[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(widths[3], num_classes)

    def _make_layer(self, planes, count, stride):
        downsample = None
        if stride != 1 or self.inplanes != planes:
            downsample = nn.Sequential(
                nn.Conv2d(self.inplanes, planes, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(planes),
            )
        layers = [BasicBlock(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes
        layers += [BasicBlock(planes, planes) for _ in range(1, count)]
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x)


class TinyCNN(nn.Module):
    """A plain VGG-like CNN: Sequentials with numeric children (`features.3`, `classifier.1`)."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d((2, 2)),
        )
        self.classifier = nn.Sequential(nn.Linear(64, 24), nn.ReLU(), nn.Linear(24, 10))

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


def settle_batchnorm(model, shape, steps=8):
    """Random init leaves BatchNorm as identity (mean 0, var 1); a few train-mode passes over
    random data give it non-trivial running statistics without any training."""
    model.train()
    with torch.no_grad():
        for _ in range(steps):
            model(torch.randn(*shape) * 1.5 + 0.3)
    model.eval()


def pool(t):
    """Reduce one module output to (batch, units) the way the engine does."""
    if t.dim() == 4:
        return {'avg': t.mean(dim=(2, 3)), 'max': t.amax(dim=(2, 3)), 'kind': 'conv'}
    if t.dim() == 3:
        return {'avg': t[:, 0, :], 'max': t[:, 0, :], 'kind': 'token'}
    if t.dim() == 2:
        return {'avg': t, 'max': t, 'kind': 'dense'}
    raise ValueError(f'unexpected rank {t.dim()}')


def export_with_expectations(name, model, layer_names, inputs, image_size):
    path = os.path.join(OUT, f'{name}.onnx')
    dummy = torch.randn(1, 3, image_size, image_size)
    torch.onnx.export(
        model, dummy, path, input_names=['input'], output_names=['output'],
        dynamic_axes={'input': {0: 'batch'}, 'output': {0: 'batch'}}, opset_version=OPSET,
        # PRESERVE (with the model in eval mode) keeps BatchNormalization as its own node. The
        # default EVAL export folds BN into the preceding Conv, so `conv1` would then carry
        # bn1's output and `bn1` would not exist: fine for users, but these fixtures test that
        # each module boundary is exposed exactly.
        training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=True,
    )
    modules = dict(model.named_modules())
    captured = {}
    handles = []
    for layer in layer_names:
        def hook(_module, _inp, out, layer=layer):
            # A module called twice (e.g. a shared ReLU) would overwrite; the test layers are
            # chosen so that each is called once per forward.
            assert layer not in captured, f'{layer} ran twice'
            captured[layer] = out.detach().clone()
        handles.append(modules[layer].register_forward_hook(hook))
    with torch.no_grad():
        logits = model(inputs)
    for h in handles:
        h.remove()
    layers = {}
    for layer in layer_names:
        t = captured[layer]
        p = pool(t)
        layers[layer] = {
            'kind': p['kind'],
            'shape': list(t.shape[1:]),
            'avg': p['avg'].tolist(),
            'max': p['max'].tolist(),
        }
    expected = {
        'model': f'{name}.onnx',
        'input': {'name': 'input', 'shape': [3, image_size, image_size]},
        'inputs': inputs.flatten().tolist(),
        'batch': inputs.shape[0],
        'output': logits.tolist(),
        'layers': layers,
    }
    with open(os.path.join(OUT, f'{name}.expected.json'), 'w') as f:
        json.dump(expected, f)
    # Sidecar preprocessing recipe: the ImageNet recipe scaled to the model's input size.
    with open(os.path.join(OUT, f'{name}.json'), 'w') as f:
        json.dump({'preprocess': {'preset': 'torchvision', 'resize': image_size * 8 // 7, 'crop': image_size}}, f, indent=2)
        f.write('\n')
    print(f'{name}: {os.path.getsize(path)} bytes, layers {", ".join(layer_names)}')


def build_models():
    torch.manual_seed(0)
    resnet = TinyResNet()
    settle_batchnorm(resnet, (16, 3, 32, 32))
    inputs = torch.randn(3, 3, 32, 32, generator=torch.Generator().manual_seed(1))
    export_with_expectations('resnet_tiny', resnet, [
        'conv1', 'bn1', 'relu', 'maxpool', 'layer1', 'layer2', 'layer3', 'layer4', 'layer4.0',
        'layer4.1', 'layer4.1.conv2', 'layer4.1.bn2', 'layer2.0.downsample', 'avgpool', 'fc',
    ], inputs, 32)

    torch.manual_seed(0)
    vit = VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=32,
                            mlp_dim=64, num_classes=10)
    # torchvision zero-initialises the head; give it weights so `heads` is not all zeros.
    nn.init.normal_(vit.heads.head.weight, std=0.2)
    vit.eval()
    inputs = torch.randn(3, 3, 32, 32, generator=torch.Generator().manual_seed(2))
    export_with_expectations('vit_tiny', vit, [
        'conv_proj', 'encoder.layers.encoder_layer_0', 'encoder.layers.encoder_layer_1',
        'encoder.layers.encoder_layer_1.mlp', 'encoder.ln', 'encoder', 'heads',
    ], inputs, 32)

    torch.manual_seed(0)
    cnn = TinyCNN().eval()
    inputs = torch.randn(2, 3, 16, 16, generator=torch.Generator().manual_seed(3))
    export_with_expectations('cnn_tiny', cnn, [
        'features', 'features.3', 'features.4', 'classifier.0', 'classifier.1', 'classifier',
    ], inputs, 16)
    build_dynamo_style(os.path.join(OUT, 'resnet_tiny.onnx'), os.path.join(OUT, 'resnet_tiny_dynamo.onnx'))


def qualified_paths(segments):
    """Module paths from TorchScript-exporter scope segments (`layer4`, `layer4.1`, `relu_1`):
    a segment that continues its parent's trailing `name.i` is a container child."""
    paths = []
    for seg in segments:
        parent = paths[-1] if paths else ''
        atoms, parent_atoms = seg.split('.'), parent.split('.') if parent else []
        last = len(parent_atoms) - 1
        while last > 0 and parent_atoms[last].isdigit():
            last -= 1
        tail = parent_atoms[last:] if parent_atoms else []
        if parent and len(atoms) > len(tail) and atoms[:len(tail)] == tail:
            paths.append('.'.join(parent_atoms[:last] + atoms))
        else:
            paths.append(f'{parent}.{seg}' if parent else seg)
    return paths


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def length_delimited(field, payload):
    return varint(field << 3 | 2) + varint(len(payload)) + payload


def build_dynamo_style(source, target):
    """Rewrite a TorchScript export the way torch's dynamo exporter names things: generic node
    names plus `pkg.torch.onnx.name_scopes` in NodeProto.metadata_props (field 9, newer than the
    onnx 1.12 schema here, so appended as raw bytes, which protobuf keeps as an unknown field)."""
    model = onnx.load(source)
    for i, node in enumerate(model.graph.node):
        segments = node.name.split('/')[1:-1] if node.name.startswith('/') else []
        scopes = [''] + qualified_paths(segments) + [f'{node.op_type.lower()}_{i}']
        node.name = f'node_{node.op_type}_{i}'
        entry = length_delimited(1, b'pkg.torch.onnx.name_scopes') + length_delimited(2, repr(scopes).encode())
        node.ParseFromString(node.SerializeToString() + length_delimited(9, entry))
    onnx.save(model, target)
    print(f'{os.path.basename(target)}: dynamo-style names and scope metadata')


def make_image(width, height, seed):
    """Smooth gradients plus a few hard edges and noise: exercises both flat and busy regions."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    r = 255 * (x / max(width - 1, 1))
    g = 255 * (y / max(height - 1, 1))
    b = 127 + 100 * np.sin(x / 7.0) * np.cos(y / 11.0)
    img = np.stack([r, g, b], axis=-1)
    img[(x // 40 + y // 40) % 2 == 0] *= 0.6
    img += rng.normal(0, 12, img.shape)
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), 'RGB')


def f32_base64(array):
    """Little-endian float32 bytes, base64: a third of the size of a JSON number list."""
    return base64.b64encode(np.ascontiguousarray(array, dtype='<f4').tobytes()).decode('ascii')


def torchvision_case(img, file, resize, crop, interpolation):
    mode = {'bilinear': transforms.InterpolationMode.BILINEAR,
            'bicubic': transforms.InterpolationMode.BICUBIC}[interpolation]
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    t = transforms.Compose([
        transforms.Resize(resize, interpolation=mode), transforms.CenterCrop(crop),
        transforms.ToTensor(), transforms.Normalize(mean, std),
    ])(img)
    return {
        'image': file, 'preset': 'torchvision', 'resize': resize, 'crop': crop,
        'interpolation': interpolation, 'cropOffset': 'round', 'mean': mean, 'std': std,
        'shape': list(t.shape), 'float32': f32_base64(t.numpy()),
    }


def clip_case(img, file, size):
    """What Hugging Face's CLIPImageProcessor does: PIL bicubic on the shorter side (long side
    truncated), crop with floor offsets, rescale 1/255, normalise."""
    mean = [0.48145466, 0.4578275, 0.40821073]
    std = [0.26862954, 0.26130258, 0.27577711]
    w, h = img.size
    short, long_ = (w, h) if w <= h else (h, w)
    new_long = int(size * long_ / short)
    nw, nh = (size, new_long) if w <= h else (new_long, size)
    resized = img.resize((nw, nh), resample=Image.BICUBIC)
    arr = np.asarray(resized, dtype=np.float32) / 255.0
    top, left = (nh - size) // 2, (nw - size) // 2
    arr = arr[top:top + size, left:left + size]
    arr = (arr - np.array(mean, dtype=np.float32)) / np.array(std, dtype=np.float32)
    chw = arr.transpose(2, 0, 1)
    return {
        'image': file, 'preset': 'clip', 'resize': size, 'crop': size, 'interpolation': 'bicubic',
        'cropOffset': 'floor', 'mean': mean, 'std': std,
        'shape': list(chw.shape), 'float32': f32_base64(chw),
    }


def build_preprocess():
    folder = os.path.join(OUT, 'preprocess')
    os.makedirs(folder, exist_ok=True)
    files = []
    for file, w, h, seed in [('landscape.png', 300, 200, 10), ('portrait.png', 181, 263, 11), ('small.png', 97, 80, 12)]:
        make_image(w, h, seed).save(os.path.join(folder, file))
        files.append(file)
    # A large JPEG (strong downscaling), an RGBA WebP (alpha dropped, as PIL's convert('RGB')
    # does) and a greyscale PNG (channel replicated).
    big = make_image(640, 480, 13).filter(ImageFilter.GaussianBlur(1.5))
    big.save(os.path.join(folder, 'large.jpg'), quality=85)
    rgba = make_image(120, 90, 14).convert('RGBA')
    rgba.putalpha(Image.linear_gradient('L').resize((120, 90)))
    rgba.save(os.path.join(folder, 'alpha.webp'), lossless=True)
    make_image(90, 120, 15).convert('L').save(os.path.join(folder, 'grey.png'))
    files += ['large.jpg', 'alpha.webp', 'grey.png']
    cases = []
    for file in files:
        # Small output sizes keep the fixture small; the recipes are otherwise the real ones.
        img = Image.open(os.path.join(folder, file)).convert('RGB')
        cases.append(torchvision_case(img, file, 64, 56, 'bilinear'))
        cases.append(clip_case(img, file, 48))
    with open(os.path.join(folder, 'preprocess.expected.json'), 'w') as f:
        json.dump({'cases': cases}, f)
    print(f'preprocess: {len(cases)} cases')


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    what = sys.argv[1:] or ['models', 'preprocess']
    if 'models' in what:
        build_models()
    if 'preprocess' in what:
        build_preprocess()
