import QRCode from 'qrcode';

/** A PNG data URI of the otpauth:// URI, drawn on the server: no third party sees the secret. */
export function qrCodeDataUri(uri: string): Promise<string> {
  return QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 220 });
}
