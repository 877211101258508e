// Errors across the thread boundary. An Error does not survive postMessage as its class (structured
// clone keeps only a few built-in error types), so the worker sends { name, message } and the page
// rebuilds the library's error class of that name (ShapeError, ConfigError, ...), or a plain Error
// with that name for any other error.
import {
  ConfigError,
  DataError,
  DeviceLostError,
  DisposedError,
  GPUValidationError,
  LimitError,
  ShapeError,
  TrainingDivergedError,
  WebGPUTrainError,
  WebGPUUnavailableError,
} from '../index.js';
import type { WireError } from './protocol.js';

/** The library's error classes whose constructor takes the message alone. */
const BY_NAME: Record<string, new (message: string) => Error> = {
  WebGPUTrainError,
  WebGPUUnavailableError,
  ShapeError,
  DataError,
  ConfigError,
  GPUValidationError,
  DisposedError,
  TrainingDivergedError,
  LimitError,
};

/** What crosses for a thrown value. */
export function toWireError(error: unknown): WireError {
  if (error instanceof DeviceLostError) return { name: error.name, message: error.message, reason: error.reason };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** The error to throw on the page: the library's class of that name where there is one. */
export function fromWireError(wire: WireError): Error {
  if (wire.name === 'DeviceLostError') return new DeviceLostError(wire.message, wire.reason ?? '');
  const Known = BY_NAME[wire.name];
  if (Known) return new Known(wire.message);
  const error = new Error(wire.message);
  error.name = wire.name;
  return error;
}
