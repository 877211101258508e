/** Typed errors. Each message says what went wrong and what to do about it. */

export class WebGPUTrainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** No WebGPU implementation could be reached (browser without WebGPU, Node without `webgpu`). */
export class WebGPUUnavailableError extends WebGPUTrainError {}

/** An array's length or a size does not match what the model or kernel expects. */
export class ShapeError extends WebGPUTrainError {}

/** Input data that cannot be trained on: NaN/Infinity, labels out of range, empty sets. */
export class DataError extends WebGPUTrainError {}

/** A configuration value that is unknown or out of range (activation name, learning rate, ...). */
export class ConfigError extends WebGPUTrainError {}

/** The GPU reported a validation or out-of-memory error for work this library submitted. */
export class GPUValidationError extends WebGPUTrainError {}

/** The GPU device was lost (driver reset, tab backgrounded, device.destroy()). */
export class DeviceLostError extends WebGPUTrainError {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

/** The model was used after dispose(). */
export class DisposedError extends WebGPUTrainError {}

/** The training loss became NaN or infinite: the learning rate is too high or the data is badly scaled. */
export class TrainingDivergedError extends WebGPUTrainError {}

/** The model, batch or dataset needs a buffer beyond a limit of the device (named in the message). */
export class LimitError extends WebGPUTrainError {}
