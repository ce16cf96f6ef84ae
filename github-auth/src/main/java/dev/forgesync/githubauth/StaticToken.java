package dev.forgesync.githubauth;

/** One token for every request (a personal access token, a fine-grained token), or none. */
final class StaticToken implements GithubCredentials {

    static final StaticToken NONE = new StaticToken(null);

    private final String token;

    StaticToken(String token) {
        this.token = token;
    }

    @Override
    public String token(GithubTarget target) {
        return token;
    }

    @Override
    public String anyToken() {
        return token;
    }

    @Override
    public boolean refused(GithubTarget target) {
        return false;
    }

    @Override
    public boolean authenticates() {
        return token != null;
    }

    @Override
    public String describe() {
        return token == null ? "none" : "token";
    }

    @Override
    public String toString() {
        return "GithubCredentials[" + describe() + "]";
    }
}
