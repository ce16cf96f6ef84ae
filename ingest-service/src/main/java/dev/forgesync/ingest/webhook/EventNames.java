package dev.forgesync.ingest.webhook;

import java.util.Set;

/**
 * The metric tag for an {@code X-GitHub-Event} value: one of GitHub's webhook event names (docs.github.com, "Webhook
 * events and payloads"), {@code other} for any other value, and {@code unverified} before the signature matched. A
 * tag value is kept by the registry for ever, so it must come from a fixed set, never from a request as it is.
 */
final class EventNames {

    static final String OTHER = "other";
    static final String UNVERIFIED = "unverified";

    private static final Set<String> GITHUB = Set.of(
            "branch_protection_configuration", "branch_protection_rule", "check_run", "check_suite",
            "code_scanning_alert", "commit_comment", "create", "custom_property", "custom_property_values", "delete",
            "dependabot_alert", "deploy_key", "deployment", "deployment_protection_rule", "deployment_review",
            "deployment_status", "discussion", "discussion_comment", "fork", "github_app_authorization", "gollum",
            "installation", "installation_repositories", "installation_target", "issue_comment", "issue_dependencies",
            "issues", "label", "marketplace_purchase", "member", "membership", "merge_group", "meta", "milestone",
            "org_block", "organization", "package", "page_build", "personal_access_token_request", "ping", "project",
            "project_card", "project_column", "projects_v2", "projects_v2_item", "projects_v2_status_update", "public",
            "pull_request", "pull_request_review", "pull_request_review_comment", "pull_request_review_thread", "push",
            "registry_package", "release", "repository", "repository_advisory", "repository_dispatch",
            "repository_import", "repository_ruleset", "repository_vulnerability_alert", "secret_scanning_alert",
            "secret_scanning_alert_location", "secret_scanning_scan", "security_advisory", "security_and_analysis",
            "sponsorship", "star", "status", "sub_issues", "team", "team_add", "watch", "workflow_dispatch",
            "workflow_job", "workflow_run");

    private EventNames() {
    }

    /** The tag of a verified delivery's event. */
    static String tag(String event) {
        return event != null && GITHUB.contains(event) ? event : OTHER;
    }
}
