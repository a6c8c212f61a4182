/**
 * The header of a float32 WAVE_FORMAT_EXTENSIBLE stream: the channel mask tells the encoder
 * the layout (a bare channel count would make libav guess, e.g. quad as 4.0). Streams whose
 * length is unknown (written into a pipe) or over 4 GiB carry 0xFFFFFFFF sizes, which libav's
 * WAV demuxer reads as "until the end of the data".
 */
const HEADER_BYTES = 68;
const UNKNOWN = 0xffffffff;
/** KSDATAFORMAT_SUBTYPE_IEEE_FLOAT */
const FLOAT_GUID = Buffer.from('0300000000001000800000aa00389b71', 'hex');

export function floatWavHeader(sampleRate: number, channels: number, mask: number, dataBytes?: number): Buffer {
  const b = Buffer.alloc(HEADER_BYTES);
  const sized = dataBytes !== undefined && dataBytes + HEADER_BYTES - 8 <= UNKNOWN;
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(sized ? dataBytes + HEADER_BYTES - 8 : UNKNOWN, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(40, 16);
  b.writeUInt16LE(0xfffe, 20);
  b.writeUInt16LE(channels, 22);
  b.writeUInt32LE(sampleRate, 24);
  b.writeUInt32LE(sampleRate * channels * 4, 28);
  b.writeUInt16LE(channels * 4, 32);
  b.writeUInt16LE(32, 34);
  b.writeUInt16LE(22, 36);
  b.writeUInt16LE(32, 38);
  b.writeUInt32LE(mask >>> 0, 40);
  FLOAT_GUID.copy(b, 44);
  b.write('data', 60, 'ascii');
  b.writeUInt32LE(sized ? dataBytes : UNKNOWN, 64);
  return b;
}
