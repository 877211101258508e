// ONNX export (model.toOnnx()): the network as an ONNX ModelProto (opset 17, IR version 8), encoded
// with protobufjs from the subset of onnx/onnx.proto's messages it uses (ONNX_SCHEMA below: field
// numbers and types as in onnx.proto). Sequential.toOnnx() loads this module with a dynamic import(),
// so the main bundle carries neither it nor protobufjs.
// Graph: input "input" [batch, inputSize] or [batch, C, H, W] (batch a dim_param), output "output"
// [batch, units]; weights are float32 initializers (raw_data, little-endian). Per layer:
//   dense      Gemm(X, W [units, inputs], b, transB=1), then its activation
//   conv2d     Conv(X, W [F, C, kh, kw], b, kernel_shape, strides, pads [ph, pw, ph, pw]), then its activation
//   maxPool2d  MaxPool(kernel_shape, strides)       (no padding, floor: as ours)
//   avgPool2d  AveragePool(kernel_shape, strides)   (no padding, so count_include_pad does not matter)
//   flatten    Flatten(axis=1)                      (NCHW order: ours)
//   dropout    nothing (the identity at inference)
//   randomShift nothing (training-time augmentation: the identity at inference)
//   layerNorm  LayerNormalization(X, γ, β, axis=1, epsilon)   (over all of a sample's values, as ours)
//   activations: Relu, Sigmoid, Tanh, LeakyRelu(alpha=slope), Softmax(axis=1); linear adds no node.
import protobuf from 'protobufjs/light.js';
// Type-only imports: a value import from the model would pull its modules into a chunk shared with
// the main bundle (Sequential passes the layer shapes in instead).
import type { LayerConfig, NetConfig, layerShapes } from '../model/config.js';

/** Per layer, its input and output shape per sample (layerShapes(config)). */
export type LayerShapes = ReturnType<typeof layerShapes>;
import type { Activation } from '../types.js';

/** The ONNX opset the exported graphs import (17: the first with LayerNormalization). */
export const ONNX_OPSET = 17;
/** The IR version that goes with opset 17 (ONNX 1.12). */
export const ONNX_IR_VERSION = 8;

const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;
const FLOAT = 1; // TensorProto.DataType.FLOAT

/** onnx.proto's messages that the exporter writes (protobufjs JSON descriptor; field ids from onnx.proto). */
export const ONNX_SCHEMA = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            domain: { type: 'string', id: 4 },
            modelVersion: { type: 'int64', id: 5 },
            docString: { type: 'string', id: 6 },
            graph: { type: 'GraphProto', id: 7 },
          },
        },
        OperatorSetIdProto: {
          fields: {
            domain: { type: 'string', id: 1 },
            version: { type: 'int64', id: 2 },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            docString: { type: 'string', id: 10 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
            valueInfo: { rule: 'repeated', type: 'ValueInfoProto', id: 13 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            domain: { type: 'string', id: 7 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
            docString: { type: 'string', id: 6 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            docString: { type: 'string', id: 13 },
            type: { type: 'int32', id: 20 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            floats: { rule: 'repeated', type: 'float', id: 7 },
            ints: { rule: 'repeated', type: 'int64', id: 8 },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { type: 'string', id: 1 },
            type: { type: 'TypeProto', id: 2 },
            docString: { type: 'string', id: 3 },
          },
        },
        TypeProto: {
          fields: {
            tensorType: { type: 'Tensor', id: 1 },
            denotation: { type: 'string', id: 6 },
          },
          nested: {
            Tensor: {
              fields: {
                elemType: { type: 'int32', id: 1 },
                shape: { type: 'TensorShapeProto', id: 2 },
              },
            },
          },
        },
        TensorShapeProto: {
          fields: {
            dim: { rule: 'repeated', type: 'Dimension', id: 1 },
          },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
              fields: {
                dimValue: { type: 'int64', id: 1 },
                dimParam: { type: 'string', id: 2 },
                denotation: { type: 'string', id: 3 },
              },
            },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            dataType: { type: 'int32', id: 2 },
            floatData: { rule: 'repeated', type: 'float', id: 4 },
            name: { type: 'string', id: 8 },
            docString: { type: 'string', id: 12 },
            rawData: { type: 'bytes', id: 9 },
          },
        },
      },
    },
  },
};

let modelType: protobuf.Type | null = null;

/** onnx.ModelProto as a protobufjs Type (built once), to encode, decode or verify models with. */
export function onnxModelProto(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(ONNX_SCHEMA).lookupType('onnx.ModelProto');
  return modelType;
}

interface Attribute {
  name: string;
  type: number;
  f?: number;
  i?: number;
  ints?: number[];
}
interface Node {
  name: string;
  opType: string;
  input: string[];
  output: string[];
  attribute: Attribute[];
}
interface Tensor {
  name: string;
  dims: number[];
  dataType: number;
  rawData: Uint8Array;
}

const ints = (name: string, values: readonly number[]): Attribute => ({ name, type: ATTR_INTS, ints: [...values] });
const int = (name: string, value: number): Attribute => ({ name, type: ATTR_INT, i: value });
const float = (name: string, value: number): Attribute => ({ name, type: ATTR_FLOAT, f: value });

/** float32 values as little-endian bytes (TensorProto.raw_data), whatever the platform's byte order. */
function littleEndian(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return bytes;
}

function valueInfo(name: string, dims: (number | string)[]) {
  return {
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

/** The ONNX operator of an element-wise activation (null for linear; softmax over the units). */
function activationNode(activation: Activation, slope: number): { opType: string; attribute: Attribute[] } | null {
  switch (activation) {
    case 'linear':
      return null;
    case 'relu':
      return { opType: 'Relu', attribute: [] };
    case 'sigmoid':
      return { opType: 'Sigmoid', attribute: [] };
    case 'tanh':
      return { opType: 'Tanh', attribute: [] };
    case 'leakyRelu':
      return { opType: 'LeakyRelu', attribute: [float('alpha', slope)] };
    case 'softmax':
      return { opType: 'Softmax', attribute: [int('axis', 1)] };
  }
}

/** Per layer, { weight, bias } as getWeights() returns them (null for layers without parameters). */
export type OnnxWeights = readonly ({ weight: Float32Array; bias: Float32Array } | null)[];

export interface OnnxOptions {
  /** ModelProto.producer_version (default ''). */
  producerVersion?: string;
  /** GraphProto.name (default 'webgpu-train'). */
  graphName?: string;
}

/** The network (config, layerShapes(config) and weights) as an ONNX model, opset 17. */
export function encodeOnnx(config: NetConfig, shapes: LayerShapes, weights: OnnxWeights, options: OnnxOptions = {}): Uint8Array {
  if (weights.length !== config.layers.length || shapes.length !== config.layers.length) {
    throw new Error(`encodeOnnx: ${weights.length} weight entries and ${shapes.length} shapes for ${config.layers.length} layers`);
  }
  const nodes: Node[] = [];
  const initializers: Tensor[] = [];
  const last = config.layers.length - 1;
  let current = 'input';
  let count = 0;
  /** Adds a node; the model's last one writes "output". */
  const add = (opType: string, inputs: string[], attribute: Attribute[], prefix: string, final: boolean): void => {
    const output = final ? 'output' : `${prefix}_${opType.toLowerCase()}_${count++}`;
    nodes.push({ name: `${prefix}_${opType}`, opType, input: inputs, output: [output], attribute });
    current = output;
  };
  const param = (prefix: string, name: string, dims: number[], values: Float32Array | undefined): string => {
    const size = dims.reduce((a, b) => a * b, 1);
    if (!values || values.length !== size) throw new Error(`encodeOnnx: ${prefix} ${name} needs ${size} values [${dims.join(', ')}], got ${values?.length}`);
    const tensorName = `${prefix}.${name}`;
    initializers.push({ name: tensorName, dims, dataType: FLOAT, rawData: littleEndian(values) });
    return tensorName;
  };

  config.layers.forEach((layer: LayerConfig, i) => {
    const prefix = `layers.${i}`;
    const { inShape } = shapes[i];
    const final = i === last;
    const w = weights[i];
    const act = 'activation' in layer ? activationNode(layer.activation, layer.slope) : null;
    switch (layer.type) {
      case undefined:
      case 'dense': {
        const inputs = inShape.reduce((a, b) => a * b, 1);
        const W = param(prefix, 'weight', [layer.units, inputs], w?.weight);
        const b = param(prefix, 'bias', [layer.units], w?.bias);
        add('Gemm', [current, W, b], [int('transB', 1)], prefix, final && !act);
        break;
      }
      case 'conv2d': {
        const [kh, kw] = layer.kernelSize;
        const W = param(prefix, 'weight', [layer.filters, inShape[0], kh, kw], w?.weight);
        const b = param(prefix, 'bias', [layer.filters], w?.bias);
        const [ph, pw] = layer.padding;
        add('Conv', [current, W, b], [ints('kernel_shape', [kh, kw]), ints('strides', layer.stride), ints('pads', [ph, pw, ph, pw])], prefix, final && !act);
        break;
      }
      case 'maxPool2d':
      case 'avgPool2d':
        add(layer.type === 'maxPool2d' ? 'MaxPool' : 'AveragePool', [current], [ints('kernel_shape', layer.poolSize), ints('strides', layer.stride)], prefix, final);
        break;
      case 'flatten':
        add('Flatten', [current], [int('axis', 1)], prefix, final);
        break;
      case 'dropout':
      case 'randomShift':
        if (final) add('Identity', [current], [], prefix, true);
        break;
      case 'layerNorm': {
        const scale = param(prefix, 'weight', [...inShape], w?.weight);
        const bias = param(prefix, 'bias', [...inShape], w?.bias);
        add('LayerNormalization', [current, scale, bias], [int('axis', 1), float('epsilon', layer.epsilon)], prefix, final);
        break;
      }
      default:
        throw new Error(`encodeOnnx: layer ${i} has a type the exporter does not know: ${(layer as { type: string }).type}`);
    }
    if (act) add(act.opType, [current], act.attribute, prefix, final);
  });

  const inputDims = config.inputShape ?? [config.inputSize];
  const outputDims = shapes[last].outShape;
  const model = {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'webgpu-train',
    producerVersion: options.producerVersion ?? '',
    graph: {
      name: options.graphName ?? 'webgpu-train',
      node: nodes,
      initializer: initializers,
      input: [valueInfo('input', ['batch', ...inputDims])],
      output: [valueInfo('output', ['batch', ...outputDims])],
    },
  };
  const type = onnxModelProto();
  const bytes = type.encode(type.fromObject(model)).finish();
  // In Node protobufjs writes a Buffer (possibly a view into a shared pool): return a plain copy.
  return new Uint8Array(bytes);
}
