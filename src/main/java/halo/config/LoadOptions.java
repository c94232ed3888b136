package halo.config;

/**
 * @param configId the id {@code @ID} lines are matched against (keepalived's -i; default: short host name)
 * @param strict   unknown keywords are fatal rather than warnings
 */
public record LoadOptions(String configId, boolean strict) {}
