package dev.forgesync.worker.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;

/** The probe's wire format: the ls-refs request gitprotocol-v2 describes, and what counts as its answer. */
class SourceProbeTest {

    private static final String A = "1111111111111111111111111111111111111111";
    private static final String B = "2222222222222222222222222222222222222222";

    @Test
    void asksForBranchesTagsAndHeadWithItsSymref() throws IOException {
        assertThat(new String(SourceProbe.request(), StandardCharsets.UTF_8)).isEqualTo(
                "0014command=ls-refs\n" + "0017object-format=sha1\n" + "0001" + "000csymrefs\n"
                        + "001bref-prefix refs/heads/\n" + "001aref-prefix refs/tags/\n" + "0014ref-prefix HEAD\n"
                        + "0000");
    }

    @Test
    void readsBranchesTagsAndHeadsTarget() throws IOException {
        SourceProbe.Listing listing = parse(answer(A + " HEAD symref-target:refs/heads/main\n",
                A + " refs/heads/main\n", B + " refs/tags/v1\n", B + " refs/pull/1/head\n") + "0000");

        assertThat(listing.head()).isEqualTo("refs/heads/main");
        assertThat(listing.refs()).isEqualTo(Map.of("refs/heads/main", ObjectId.fromString(A),
                "refs/tags/v1", ObjectId.fromString(B)));
    }

    @Test
    void anEmptyListIsAnAnswerWithoutRefs() throws IOException {
        SourceProbe.Listing listing = parse("0000");

        assertThat(listing.refs()).isEmpty();
        assertThat(listing.head()).isNull();
    }

    @Test
    void anythingButAnLsRefsListIsNoAnswer() {
        for (String body : new String[] {
                answer("ERR upload-pack: not our ref\n"),                // an error line
                answer("NAK\n") + "0000",                                // a v0 negotiation
                answer(A + " refs/heads/main\n"),                        // no flush
                answer(A + " refs/heads/main\n") + "0000" + "0008NAK\n", // more after the flush
                "<html>not found</html>",                                // not pkt-lines at all
                answer("version 2\n", "ls-refs\n") + "0000"}) {          // a capability advertisement
            assertThatThrownBy(() -> parse(body)).as(body).isInstanceOf(IOException.class);
        }
    }

    @Test
    void basicAuthorizationIsTheUserAndTokenAsTheTransportSendsThem() {
        assertThat(SourceProbe.basic("x-access-token", "ghp_1".toCharArray()))
                .isEqualTo("Basic eC1hY2Nlc3MtdG9rZW46Z2hwXzE=");
    }

    private static SourceProbe.Listing parse(String body) throws IOException {
        return SourceProbe.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    private static String answer(String... lines) {
        StringBuilder b = new StringBuilder();
        for (String line : lines) {
            b.append(String.format("%04x", line.length() + 4)).append(line);
        }
        return b.toString();
    }
}
