"""Export a torchvision classifier to ONNX the way neuron-atlas expects it (module-scoped node
names, dynamic batch axis, NCHW float32 input named `input`), plus a sidecar `<name>.json` with
its preprocessing recipe.

    python3 tools/testmodels/export_torchvision.py resnet18 out/resnet18.onnx [--weights PATH] [--keep-bn]

Weights: a state_dict file (`--weights`), else random initialisation (seeded; useful for
timing and for checking layer names without downloading anything).

By default the exporter folds each BatchNorm into the Conv before it, so `conv1` then yields
what the PyTorch module `bn1` outputs and `bn1` disappears from the graph. `--keep-bn` keeps
them separate (module boundaries exactly as in PyTorch, slightly slower inference).
Needs torch >= 1.13 (module-scoped node names).
"""

import argparse
import json
import os

import torch
import torchvision


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('arch', help='torchvision.models constructor name, e.g. resnet18, resnet50, vit_b_16')
    parser.add_argument('out', help='output .onnx path')
    parser.add_argument('--weights', help='state_dict (.pth) to load')
    parser.add_argument('--num-classes', type=int, default=1000)
    parser.add_argument('--image-size', type=int, default=224)
    parser.add_argument('--keep-bn', action='store_true', help='do not fold BatchNorm into Conv')
    parser.add_argument('--opset', type=int, default=14)
    args = parser.parse_args()

    torch.manual_seed(0)
    model = getattr(torchvision.models, args.arch)(num_classes=args.num_classes)
    if args.weights:
        model.load_state_dict(torch.load(args.weights, map_location='cpu'))
    model.eval()
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    dummy = torch.randn(1, 3, args.image_size, args.image_size)
    torch.onnx.export(
        model, dummy, args.out, input_names=['input'], output_names=['output'],
        dynamic_axes={'input': {0: 'batch'}, 'output': {0: 'batch'}}, opset_version=args.opset,
        training=torch.onnx.TrainingMode.PRESERVE if args.keep_bn else torch.onnx.TrainingMode.EVAL,
    )
    resize = args.image_size * 256 // 224
    sidecar = os.path.splitext(args.out)[0] + '.json'
    with open(sidecar, 'w') as f:
        json.dump({'preprocess': {'preset': 'torchvision', 'resize': resize, 'crop': args.image_size}}, f, indent=2)
        f.write('\n')
    print(f'wrote {args.out} ({os.path.getsize(args.out) / 1e6:.1f} MB) and {sidecar}')


if __name__ == '__main__':
    main()
