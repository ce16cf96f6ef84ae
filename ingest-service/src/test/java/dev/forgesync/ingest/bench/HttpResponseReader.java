package dev.forgesync.ingest.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads HTTP/1.1 responses off one connection's input stream, for the benchmark's own client: the status line, the
 * headers up to the empty line, then the body (dropped) by {@code Content-Length}, by chunked transfer-encoding, or
 * up to the end of the stream when the response has neither. Interim 1xx responses are skipped. After each
 * response {@link #keepAlive()} says whether the connection can carry the next request.
 * <p>
 * Not thread-safe: one reader per connection. Any malformed or truncated response is an {@link IOException}; the
 * caller then drops the connection.
 */
final class HttpResponseReader {

    private static final int MAX_LINE = 8192;

    private final InputStream in;
    private final byte[] buffer;
    private int position;
    private int limit;
    private final StringBuilder line = new StringBuilder(128);
    private boolean keepAlive;
    private boolean started;

    HttpResponseReader(InputStream in) {
        this(in, 8192);
    }

    HttpResponseReader(InputStream in, int bufferSize) {
        this.in = in;
        this.buffer = new byte[bufferSize];
    }

    /**
     * Reads one whole response and returns its status code.
     *
     * @throws EOFException when the stream ends before the response does (also before its first byte: the server
     *                      closed the connection)
     */
    int readResponse() throws IOException {
        started = false;
        while (true) {
            String statusLine = readLine();
            // "HTTP/1.1 202 Accepted" (the reason phrase may be empty or missing).
            if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
                throw new IOException("not an HTTP/1.x status line: " + abbreviate(statusLine));
            }
            boolean http10 = statusLine.charAt(7) == '0';
            int status = parseStatus(statusLine);
            long contentLength = -1;
            boolean chunked = false;
            boolean close = false;
            boolean explicitKeepAlive = false;
            for (String header = readLine(); !header.isEmpty(); header = readLine()) {
                int colon = header.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("malformed header line: " + abbreviate(header));
                }
                String name = header.substring(0, colon).trim();
                String value = header.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    long length = parseContentLength(value);
                    if (contentLength >= 0 && contentLength != length) {
                        throw new IOException("conflicting Content-Length headers");
                    }
                    contentLength = length;
                } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                    // chunked must be the last coding; anything else means "read until the connection closes".
                    String[] codings = value.split(",");
                    chunked = codings[codings.length - 1].trim().equalsIgnoreCase("chunked");
                    if (!chunked) {
                        contentLength = -1;
                        close = true;
                    }
                } else if (name.equalsIgnoreCase("Connection")) {
                    for (String token : value.split(",")) {
                        close |= token.trim().equalsIgnoreCase("close");
                        explicitKeepAlive |= token.trim().equalsIgnoreCase("keep-alive");
                    }
                }
            }
            if (status >= 100 && status < 200) {
                if (status == 101) {
                    throw new IOException("unexpected 101 Switching Protocols");
                }
                continue; // interim response (100 Continue, 103 Early Hints): the real one follows
            }
            keepAlive = http10 ? explicitKeepAlive && !close : !close;
            if (status == 204 || status == 304) {
                return status; // never a body
            }
            if (chunked) {
                skipChunkedBody(); // Transfer-Encoding overrides Content-Length (RFC 9112 6.3)
            } else if (contentLength >= 0) {
                skip(contentLength);
            } else {
                skipToEnd();
                keepAlive = false;
            }
            return status;
        }
    }

    /** Whether the connection can carry another request after the last response read. */
    boolean keepAlive() {
        return keepAlive;
    }

    /**
     * Whether any byte of the response being read (or last read) has arrived: false after an EOF or reset right
     * at its start, which on a reused connection means the server had closed it before it saw the request.
     */
    boolean responseStarted() {
        return started;
    }

    private void skipChunkedBody() throws IOException {
        while (true) {
            String sizeLine = readLine();
            int extension = sizeLine.indexOf(';');
            String hex = (extension >= 0 ? sizeLine.substring(0, extension) : sizeLine).trim();
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("malformed chunk size: " + abbreviate(sizeLine));
            }
            if (size < 0) {
                throw new IOException("negative chunk size: " + abbreviate(sizeLine));
            }
            if (size == 0) {
                // Trailer fields, if any, up to the empty line.
                while (!readLine().isEmpty()) {
                    // dropped
                }
                return;
            }
            skip(size);
            if (!readLine().isEmpty()) {
                throw new IOException("chunk data not followed by CRLF");
            }
        }
    }

    private void skip(long count) throws IOException {
        while (count > 0) {
            if (position == limit && !fill()) {
                throw new EOFException("connection closed inside the body (" + count + " bytes missing)");
            }
            int n = (int) Math.min(count, limit - position);
            position += n;
            count -= n;
        }
    }

    private void skipToEnd() throws IOException {
        position = limit;
        while (fill()) {
            position = limit;
        }
    }

    /** One line without its CRLF (a bare LF is accepted too), as ISO-8859-1. */
    private String readLine() throws IOException {
        line.setLength(0);
        while (true) {
            if (position == limit && !fill()) {
                throw new EOFException(line.isEmpty() ? "connection closed" : "connection closed inside a line");
            }
            byte b = buffer[position++];
            started = true;
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            if (line.length() >= MAX_LINE) {
                throw new IOException("line longer than " + MAX_LINE + " bytes");
            }
            line.append((char) (b & 0xff));
        }
    }

    private boolean fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        if (n <= 0) {
            return false; // a blocking stream never returns 0 for a non-empty buffer
        }
        position = 0;
        limit = n;
        return true;
    }

    private static int parseStatus(String statusLine) throws IOException {
        int status = 0;
        for (int i = 9; i < 12; i++) {
            char c = statusLine.charAt(i);
            if (c < '0' || c > '9') {
                throw new IOException("malformed status code: " + abbreviate(statusLine));
            }
            status = status * 10 + (c - '0');
        }
        if (statusLine.length() > 12 && statusLine.charAt(12) != ' ') {
            throw new IOException("malformed status code: " + abbreviate(statusLine));
        }
        return status;
    }

    private static long parseContentLength(String value) throws IOException {
        if (value.isEmpty() || value.length() > 18) {
            throw new IOException("malformed Content-Length: " + abbreviate(value));
        }
        long length = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new IOException("malformed Content-Length: " + abbreviate(value));
            }
            length = length * 10 + (c - '0');
        }
        return length;
    }

    private static String abbreviate(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
