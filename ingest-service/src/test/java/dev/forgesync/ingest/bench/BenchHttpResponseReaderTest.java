package dev.forgesync.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The benchmark client's response reader, against byte arrays: each response consumed exactly to its end. */
class BenchHttpResponseReaderTest {

    private static final String ACCEPTED = "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\n"
            + "Content-Length: 27\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\n\r\n{\"deliveryId\":\"a\",\"x\":\"yz\"}";

    @Test
    void contentLengthBodiesBackToBackOnAKeptAliveConnection() throws IOException {
        HttpResponseReader reader = reader(ACCEPTED + "HTTP/1.1 200 OK\r\ncontent-length:  2 \r\n\r\nok");

        assertThat(reader.readResponse()).isEqualTo(202);
        assertThat(reader.keepAlive()).isTrue();
        assertThat(reader.readResponse()).isEqualTo(200);
        assertThat(reader.keepAlive()).isTrue();
        assertThatThrownBy(reader::readResponse).isInstanceOf(EOFException.class);
        assertThat(reader.responseStarted()).isFalse();
    }

    @Test
    void chunkedBodyWithExtensionsAndTrailersThenTheNextResponse() throws IOException {
        String chunked = "HTTP/1.1 202 \r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
                + "1a;name=value\r\n{\"deliveryId\":\"abc\",\"st\":1\r\n" // 0x1a = 26 bytes
                + "3\r\n}\r\n\r\n"                                        // a chunk holding a CRLF of its own
                + "0\r\nX-Trailer: t\r\n\r\n";

        HttpResponseReader reader = reader(chunked + ACCEPTED);

        assertThat(reader.readResponse()).isEqualTo(202);
        assertThat(reader.keepAlive()).isTrue();
        assertThat(reader.readResponse()).isEqualTo(202);
        assertThatThrownBy(reader::readResponse).isInstanceOf(EOFException.class);
    }

    @Test
    void transferEncodingChunkedWinsOverContentLength() throws IOException {
        HttpResponseReader reader = reader("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "2\r\nok\r\n0\r\n\r\n" + ACCEPTED);

        assertThat(reader.readResponse()).isEqualTo(200);
        assertThat(reader.readResponse()).isEqualTo(202);
    }

    @Test
    void connectionCloseEndsTheConnection() throws IOException {
        HttpResponseReader reader = reader("HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\nConnection: Close\r\n\r\n{}");

        assertThat(reader.readResponse()).isEqualTo(202);
        assertThat(reader.keepAlive()).isFalse();
    }

    @Test
    void payloadTooLargeWithABodyAndConnectionClose() throws IOException {
        String body = "{\"error\":\"payload_too_large\",\"message\":\"body is larger than 26214400 bytes\"}";
        HttpResponseReader reader = reader("HTTP/1.1 413 \r\nContent-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\nConnection: keep-alive, close\r\n\r\n" + body);

        assertThat(reader.readResponse()).isEqualTo(413);
        assertThat(reader.keepAlive()).isFalse();
        assertThatThrownBy(reader::readResponse).isInstanceOf(EOFException.class);
    }

    @Test
    void noLengthMeansTheBodyRunsToTheEndOfTheConnection() throws IOException {
        HttpResponseReader reader = reader("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\n"
                + "boom, and then some more text\r\n\r\nHTTP/1.1 200 OK\r\n");

        assertThat(reader.readResponse()).isEqualTo(500);
        assertThat(reader.keepAlive()).isFalse();
    }

    @Test
    void http10KeepsAliveOnlyWhenItSaysSo() throws IOException {
        HttpResponseReader reader = reader("HTTP/1.0 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n"
                + "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");

        assertThat(reader.readResponse()).isEqualTo(200);
        assertThat(reader.keepAlive()).isTrue();
        assertThat(reader.readResponse()).isEqualTo(200);
        assertThat(reader.keepAlive()).isFalse();
    }

    @Test
    void interimResponsesAreSkippedAndNoContentHasNoBody() throws IOException {
        HttpResponseReader reader = reader("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n" + ACCEPTED);

        assertThat(reader.readResponse()).isEqualTo(204);
        assertThat(reader.readResponse()).isEqualTo(202);
    }

    @Test
    void bareLineFeedsAreAccepted() throws IOException {
        assertThat(reader("HTTP/1.1 201 Created\nContent-Length: 1\n\nx").readResponse()).isEqualTo(201);
    }

    @Test
    void oneByteAtATimeThroughATinyBuffer() throws IOException {
        String chunked = "HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
        byte[] bytes = (ACCEPTED + chunked + ACCEPTED).getBytes(StandardCharsets.ISO_8859_1);
        InputStream trickle = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };
        HttpResponseReader reader = new HttpResponseReader(trickle, 3);

        assertThat(reader.readResponse()).isEqualTo(202);
        assertThat(reader.readResponse()).isEqualTo(202);
        assertThat(reader.readResponse()).isEqualTo(202);
        assertThatThrownBy(reader::readResponse).isInstanceOf(EOFException.class);
    }

    @Test
    void truncatedResponsesAreEofAfterTheirStart() {
        HttpResponseReader shortBody = reader("HTTP/1.1 202 Accepted\r\nContent-Length: 10\r\n\r\n12345");
        assertThatThrownBy(shortBody::readResponse).isInstanceOf(EOFException.class);
        assertThat(shortBody.responseStarted()).isTrue();

        HttpResponseReader shortChunks = reader("HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel");
        assertThatThrownBy(shortChunks::readResponse).isInstanceOf(EOFException.class);

        HttpResponseReader shortHeaders = reader("HTTP/1.1 202 Accepted\r\nContent-Le");
        assertThatThrownBy(shortHeaders::readResponse).isInstanceOf(EOFException.class);
    }

    @Test
    void malformedResponsesAreErrors() {
        assertThatThrownBy(reader("SSH-2.0-OpenSSH_9.2\r\n\r\n")::readResponse).isInstanceOf(IOException.class);
        assertThatThrownBy(reader("HTTP/1.1 2x2 Accepted\r\n\r\n")::readResponse).isInstanceOf(IOException.class);
        assertThatThrownBy(reader("HTTP/1.1 202 OK\r\nContent-Length: -1\r\n\r\n")::readResponse)
                .isInstanceOf(IOException.class);
        assertThatThrownBy(reader("HTTP/1.1 202 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx")::readResponse)
                .isInstanceOf(IOException.class);
        assertThatThrownBy(reader("HTTP/1.1 202 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")::readResponse)
                .isInstanceOf(IOException.class);
        assertThatThrownBy(reader("HTTP/1.1 202 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX\r\n0\r\n\r\n")::readResponse)
                .isInstanceOf(IOException.class);
        assertThatThrownBy(reader("HTTP/1.1 202 OK\r\nno colon here\r\n\r\n")::readResponse).isInstanceOf(IOException.class);
    }

    private static HttpResponseReader reader(String bytes) {
        return new HttpResponseReader(new ByteArrayInputStream(bytes.getBytes(StandardCharsets.ISO_8859_1)));
    }
}
