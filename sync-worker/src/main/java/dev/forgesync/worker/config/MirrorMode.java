package dev.forgesync.worker.config;

/** {@code vault}: no tip that reached a destination is ever made unreachable; {@code exact}: a strict copy. */
public enum MirrorMode { VAULT, EXACT }
