// model.summary(): layers, output shapes and parameter counts, as data and as text (counts by hand).
import { describe, expect, it } from 'vitest';
import { Sequential } from '../src/index';

describe('summary', () => {
  it('lists every layer with its output shape and parameter count', async () => {
    const model = await Sequential.create({
      inputSize: 784,
      layers: [{ units: 128, activation: 'relu' }, { units: 64, activation: 'tanh' }, { units: 10, activation: 'softmax' }],
      backend: 'cpu',
    });
    const s = model.summary();
    expect(s.layers).toEqual([
      { index: 0, type: 'dense', activation: 'relu', outputShape: [null, 128], params: 784 * 128 + 128 },
      { index: 1, type: 'dense', activation: 'tanh', outputShape: [null, 64], params: 128 * 64 + 64 },
      { index: 2, type: 'dense', activation: 'softmax', outputShape: [null, 10], params: 64 * 10 + 10 },
    ]);
    expect(s.totalParams).toBe(100_480 + 8_256 + 650);
    const lines = s.text.split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatch(/^input\s+\[null, 784\]/);
    expect(lines[2]).toMatch(/^0\s+dense\s+relu\s+\[null, 128\]\s+100,480$/);
    expect(lines[5]).toBe('total params: 109,386 (loss crossEntropy)');
  });
});
