/**
 * Faces in a video frame, through UltraFace version-RFB-320 (Linzaer's Ultra-Light-Fast-Generic-
 * Face-Detector-1MB, MIT): a 1.2 MB ONNX detector that runs in a few milliseconds a frame on a CPU,
 * enough to tell which dubbed lines show a face. Its export takes 'input' float32 [1, 3, 240, 320]
 * (RGB, (pixel - 127) / 128) and gives 'scores' [1, N, 2] (background, face; already softmaxed) and
 * 'boxes' [1, N, 4] (x1, y1, x2, y2 as fractions of the frame; the anchors are decoded inside the
 * graph), N = 4420. What is left to do here: pick the face scores over a threshold and drop
 * overlapping boxes (non-maximum suppression), as the upstream demo does.
 */
import type { InferenceSession } from 'onnxruntime-node';
import sharp from 'sharp';
import { onnxSession, type OnnxSessionOptions } from './onnx-session.js';

export const FACE_INPUT = { name: 'input', width: 320, height: 240 } as const;
const OUTPUTS = ['scores', 'boxes'] as const;

/** A face, its box as fractions of the frame (0..1, origin top left). */
export interface FaceBox {
  score: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface FaceDetectOptions {
  /** Face probability a box needs (upstream's demo uses 0.7). */
  threshold: number;
  /** Boxes overlapping a better one by more than this IoU are the same face. */
  iou?: number;
  /** Faces smaller than this fraction of the frame's height are ignored (too small for lip-sync). */
  minHeight?: number;
}

export interface FaceDetector {
  /** Faces in a packed RGB frame (3 bytes a pixel) of any size; the detector sees it at 320x240. */
  detect(rgb: Buffer, width: number, height: number, o: FaceDetectOptions): Promise<FaceBox[]>;
}

let ort: typeof import('onnxruntime-node') | undefined;

export async function openFaceDetector(path: string, o: Omit<OnnxSessionOptions, 'expect'> = {}): Promise<FaceDetector> {
  ort ??= await import('onnxruntime-node');
  const { session } = await onnxSession(path, { ...o, expect: { inputs: [FACE_INPUT.name], outputs: OUTPUTS } });
  return { detect: (rgb, width, height, d) => detectFaces(session, rgb, width, height, d) };
}

/** The frame as the model wants it: 320x240 (stretched, as upstream does), planar, normalized. */
async function inputTensor(rgb: Buffer, width: number, height: number): Promise<Float32Array> {
  const { width: w, height: h } = FACE_INPUT;
  const pixels = width === w && height === h
    ? rgb
    : await sharp(rgb, { raw: { width, height, channels: 3 } }).resize(w, h, { fit: 'fill' }).raw().toBuffer();
  const plane = w * h;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[c * plane + i] = (pixels[i * 3 + c]! - 127) / 128;
  }
  return out;
}

async function detectFaces(session: InferenceSession, rgb: Buffer, width: number, height: number, o: FaceDetectOptions): Promise<FaceBox[]> {
  const data = await inputTensor(rgb, width, height);
  const result = await session.run({ [FACE_INPUT.name]: new ort!.Tensor('float32', data, [1, 3, FACE_INPUT.height, FACE_INPUT.width]) });
  const scores = result.scores!.data as Float32Array;
  const boxes = result.boxes!.data as Float32Array;
  const found: FaceBox[] = [];
  for (let i = 0; i * 2 < scores.length; i++) {
    const score = scores[i * 2 + 1]!;
    if (score < o.threshold) continue;
    const box = { score, x1: boxes[i * 4]!, y1: boxes[i * 4 + 1]!, x2: boxes[i * 4 + 2]!, y2: boxes[i * 4 + 3]! };
    if (box.y2 - box.y1 >= (o.minHeight ?? 0)) found.push(box);
  }
  return suppressOverlaps(found, o.iou ?? 0.3);
}

function iou(a: FaceBox, b: FaceBox): number {
  const w = Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1));
  const h = Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));
  const inter = w * h;
  const area = (f: FaceBox) => Math.max(0, f.x2 - f.x1) * Math.max(0, f.y2 - f.y1);
  return inter > 0 ? inter / (area(a) + area(b) - inter) : 0;
}

/** Greedy non-maximum suppression: best score first, each box kept unless it overlaps a kept one. */
export function suppressOverlaps(boxes: readonly FaceBox[], maxIou: number): FaceBox[] {
  const kept: FaceBox[] = [];
  for (const b of [...boxes].sort((x, y) => y.score - x.score)) {
    if (kept.every((k) => iou(k, b) <= maxIou)) kept.push(b);
  }
  return kept;
}
