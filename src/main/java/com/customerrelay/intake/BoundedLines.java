package com.customerrelay.intake;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads UTF-8 lines from a stream without ever holding more than {@code maxBytes} of one line: a longer line is
 * read through to its end but only its first {@value RequestFileReader#OVERSIZED_HEAD_BYTES} bytes are kept, so a single line of 400 MB costs
 * no more memory than a short one.
 */
final class BoundedLines implements Closeable {

    /** One line: its text, or — when it was over the limit — its start and its full size. */
    record Line(int number, String text, String head, long bytes) {
        boolean oversized() {
            return text == null;
        }
    }

    private final InputStream in;
    private final int maxBytes;
    private final byte[] buffer = new byte[64 * 1024];
    private int pos;
    private int len;
    private byte[] line = new byte[8 * 1024];
    private int number;
    private boolean started;

    BoundedLines(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** The next line, or null at the end of the stream. */
    Line next() throws IOException {
        int kept = 0;
        long total = 0;
        boolean over = false;
        boolean any = false;
        while (true) {
            if (pos == len) {
                len = Math.max(in.read(buffer), 0);
                pos = 0;
                if (len == 0) {
                    if (!any) {
                        return null;
                    }
                    break;
                }
                if (!started) {
                    started = true;
                    skipByteOrderMark();
                    if (pos == len) {
                        continue;
                    }
                }
            }
            any = true;
            int end = pos;
            while (end < len && buffer[end] != '\n') {
                end++;
            }
            int n = end - pos;
            total += n;
            if (!over && kept + n > maxBytes) {
                over = true;
            }
            int room = over ? Math.max(0, RequestFileReader.OVERSIZED_HEAD_BYTES - kept) : n;
            int take = Math.min(n, room);
            if (take > 0) {
                ensure(kept + take);
                System.arraycopy(buffer, pos, line, kept, take);
                kept += take;
            }
            boolean endOfLine = end < len;
            pos = endOfLine ? end + 1 : end;
            if (endOfLine) {
                break;
            }
        }
        number++;
        if (over) {
            int head = Math.min(kept, RequestFileReader.OVERSIZED_HEAD_BYTES);
            return new Line(number, null, new String(line, 0, head, StandardCharsets.UTF_8), total);
        }
        int length = kept > 0 && line[kept - 1] == '\r' ? kept - 1 : kept;
        return new Line(number, new String(line, 0, length, StandardCharsets.UTF_8), null, total);
    }

    private void skipByteOrderMark() {
        if (len >= 3 && (buffer[0] & 0xff) == 0xEF && (buffer[1] & 0xff) == 0xBB && (buffer[2] & 0xff) == 0xBF) {
            pos = 3;
        }
    }

    private void ensure(int size) {
        if (size > line.length) {
            line = Arrays.copyOf(line, Math.min(Math.max(size, line.length * 2), Math.max(size, maxBytes)));
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
