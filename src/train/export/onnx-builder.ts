/**
 * A small writer for ONNX graphs (IR 8, default opset 17) on top of the onnx-proto messages: nodes,
 * typed initializers, graph inputs/outputs with a symbolic batch dimension, and model metadata.
 */
import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';

const { onnx: proto } = onnxProto;
const DataType = proto.TensorProto.DataType;
const AttributeType = proto.AttributeProto.AttributeType;

export const IR_VERSION = 8;
export const OPSET_VERSION = 17;

/** float16 values travel as their bits in a Uint16Array (see toFloat16 in quantize.ts). */
export type TensorData = Float32Array | Uint16Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;
export type ElementType = 'float32' | 'float16' | 'int8' | 'uint8' | 'int32' | 'int64';
/** A dimension: a fixed size, or the name of a symbolic one (the batch). */
export type Dim = number | string;
/** An attribute: an int, ints, a string, or a float written as `{ float: value }`. */
export type AttributeValue = number | number[] | string | { float: number };
export type Attributes = Record<string, AttributeValue>;

const ELEMENT_TYPES: Record<ElementType, number> = {
  float32: DataType.FLOAT,
  float16: DataType.FLOAT16,
  int8: DataType.INT8,
  uint8: DataType.UINT8,
  int32: DataType.INT32,
  int64: DataType.INT64,
};

// ONNX raw_data is little-endian; typed arrays use the platform's order, so refuse the rare other one.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function elementTypeOf(data: TensorData): ElementType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Uint16Array) return 'float16';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int32Array) return 'int32';
  return 'int64';
}

interface ValueInfo {
  name: string;
  type: ElementType;
  dims: Dim[];
}

export interface ModelInfo {
  graphName: string;
  docString?: string;
  metadata?: Record<string, string>;
}

export class GraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly names = new Set<string>();
  private readonly constants = new Map<string, string>();
  private counter = 0;

  /** Declares a graph input and returns its name. */
  input(name: string, type: ElementType, dims: Dim[]): string {
    this.inputs.push({ name: this.claim(name), type, dims });
    return name;
  }

  /** Declares the value `name` (a node output, see `node`) as a graph output. */
  output(name: string, type: ElementType, dims: Dim[]): void {
    if (!this.names.has(name)) throw new Error(`no value named ${name} to output`);
    this.outputs.push({ name, type, dims });
  }

  /** A named initializer (a weight). Names must be unique in the graph. */
  initializer(name: string, dims: number[], data: TensorData): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (data.length !== size) throw new Error(`initializer ${name}: ${data.length} values for shape [${dims.join(', ')}]`);
    if (!LITTLE_ENDIAN) throw new Error('writing ONNX initializers needs a little-endian platform');
    this.claim(name);
    this.initializers.push({
      name,
      dims,
      dataType: ELEMENT_TYPES[elementTypeOf(data)],
      rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)),
    });
    return name;
  }

  /** A small constant initializer, shared by every node that asks for the same value. */
  constant(data: TensorData, dims: number[] = [data.length]): string {
    const key = `${elementTypeOf(data)}[${dims.join(',')}]:${Array.from(data as ArrayLike<number | bigint>, String).join(',')}`;
    const existing = this.constants.get(key);
    if (existing) return existing;
    const name = this.initializer(this.fresh('const'), dims, data);
    this.constants.set(key, name);
    return name;
  }

  scalar(value: number): string {
    return this.constant(new Float32Array([value]), []);
  }

  int64s(values: number[]): string {
    return this.constant(BigInt64Array.from(values, BigInt));
  }

  /** Adds a node with one output and returns the output's name (`output`, or a fresh one). */
  node(opType: string, inputs: string[], attributes: Attributes = {}, output?: string): string {
    return this.nodeWithOutputs(opType, inputs, 1, attributes, output === undefined ? undefined : [output])[0]!;
  }

  /** Adds a node with `outputCount` outputs; empty input names stand for omitted optional inputs. */
  nodeWithOutputs(opType: string, inputs: string[], outputCount: number, attributes: Attributes = {}, outputNames?: string[]): string[] {
    const missing = inputs.find((name) => name !== '' && !this.names.has(name));
    if (missing !== undefined) throw new Error(`${opType} reads ${missing}, which is not defined yet`);
    const base = this.fresh(opType);
    const outputs = Array.from({ length: outputCount }, (_, i) => this.claim(outputNames?.[i] ?? (outputCount === 1 ? base : `${base}:${i}`)));
    this.nodes.push({
      name: base,
      opType,
      input: inputs,
      output: outputs,
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return outputs;
  }

  cast(value: string, to: ElementType): string {
    return this.node('Cast', [value], { to: ELEMENT_TYPES[to] });
  }

  /** The encoded ModelProto. */
  toBytes(info: ModelInfo): Uint8Array {
    const model: onnx.IModelProto = {
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET_VERSION }],
      producerName: 'parley',
      docString: info.docString ?? null,
      metadataProps: Object.entries(info.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: info.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs.map(valueInfo),
        output: this.outputs.map(valueInfo),
      },
    };
    return proto.ModelProto.encode(model).finish();
  }

  private fresh(prefix: string): string {
    let name: string;
    do name = `${prefix}_${this.counter++}`;
    while (this.names.has(name));
    return name;
  }

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`duplicate name ${name} in graph`);
    this.names.add(name);
    return name;
  }
}

function attribute(name: string, value: AttributeValue): onnx.IAttributeProto {
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if (typeof value === 'object') return { name, type: AttributeType.FLOAT, f: value.float };
  return { name, type: AttributeType.INT, i: value };
}

function valueInfo({ name, type, dims }: ValueInfo): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEMENT_TYPES[type],
        shape: { dim: dims.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })) },
      },
    },
  };
}
