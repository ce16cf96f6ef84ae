package dev.forgesync.worker.mirror;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.eclipse.jgit.lib.ProgressMonitor;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;

/**
 * Sends a batch of ref updates so that one refused ref does not stop the others. OneDev checks refs in a git
 * {@code pre-receive} hook, and a hook that refuses one ref makes git refuse the whole push (onedev-api.md §6): a
 * batch whose every ref came back refused by the remote is split in halves and each half sent again, down to single
 * refs, whose refusal is then the destination's verdict on that ref, recorded with its own words. A batch without a
 * refusal costs one push, one bad ref among n about 2·log2(n). A ref that moved since the plan
 * ({@code --force-with-lease} failed) stops everything: the plan is stale and the sync is retried.
 */
final class IsolatedPush {

    private static final int MAX_REASON = 500;

    private final Transport transport;
    private final ProgressMonitor monitor;
    private final Runnable beforeEachPush;
    private final List<RemoteRefUpdate> accepted = new ArrayList<>();
    private final List<RejectedRef> rejected = new ArrayList<>();

    IsolatedPush(Transport transport, ProgressMonitor monitor, Runnable beforeEachPush) {
        this.transport = transport;
        this.monitor = monitor;
        this.beforeEachPush = beforeEachPush;
    }

    /** Pushes {@code updates}; the ones that went through are in {@link #accepted()}, the others in {@link #rejected()}. */
    void send(List<RemoteRefUpdate> updates) throws IOException {
        if (updates.isEmpty()) {
            return;
        }
        beforeEachPush.run();
        PushResult result = transport.push(monitor, updates);
        List<RemoteRefUpdate> refused = new ArrayList<>();
        List<String> moved = new ArrayList<>();
        for (RemoteRefUpdate u : result.getRemoteUpdates()) {
            RemoteRefUpdate.Status s = u.getStatus();
            if (s == RemoteRefUpdate.Status.OK || s == RemoteRefUpdate.Status.UP_TO_DATE
                    || s == RemoteRefUpdate.Status.NON_EXISTING) {
                accepted.add(u);
            } else if (s == RemoteRefUpdate.Status.REJECTED_REMOTE_CHANGED) {
                moved.add(u.getRemoteName());
            } else {
                refused.add(u);
            }
        }
        if (!moved.isEmpty()) {
            throw new GitFailure("destination_changed", true,
                    "destination refs moved since the push was planned: " + String.join(", ", moved), null);
        }
        if (refused.isEmpty()) {
            return;
        }
        if (refused.size() == updates.size() && updates.size() > 1) {
            int half = updates.size() / 2;
            send(fresh(updates.subList(0, half)));
            send(fresh(updates.subList(half, updates.size())));
            return;
        }
        for (RemoteRefUpdate u : refused) {
            rejected.add(new RejectedRef(u.getRemoteName(), reason(u, result.getMessages())));
        }
    }

    List<RemoteRefUpdate> accepted() {
        return accepted;
    }

    List<RejectedRef> rejected() {
        return rejected;
    }

    boolean wasAccepted(RemoteRefUpdate update) {
        return accepted.stream().anyMatch(u -> u.getRemoteName().equals(update.getRemoteName()));
    }

    /** An update object carries its result: a retry needs new ones, with the same lease. */
    private static List<RemoteRefUpdate> fresh(List<RemoteRefUpdate> updates) throws IOException {
        List<RemoteRefUpdate> copies = new ArrayList<>();
        for (RemoteRefUpdate u : updates) {
            copies.add(new RemoteRefUpdate(u, u.getExpectedOldObjectId()));
        }
        return copies;
    }

    /** JGit's status and git's short reason, then what the remote printed ({@code remote:} lines, e.g. OneDev's hook). */
    private static String reason(RemoteRefUpdate u, String remoteMessages) {
        StringBuilder out = new StringBuilder(u.getStatus().name().toLowerCase(Locale.ROOT));
        if (u.getMessage() != null) {
            out.append(": ").append(u.getMessage());
        }
        String messages = remoteMessages == null ? "" : remoteMessages.strip().replaceAll("\\s*\\n\\s*", " / ");
        if (!messages.isEmpty()) {
            out.append(" - ").append(messages);
        }
        return out.length() > MAX_REASON ? out.substring(0, MAX_REASON) + "…" : out.toString();
    }
}
