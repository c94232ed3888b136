package halo.config;

import java.util.Map;

/** A block being parsed (the top level, global_defs, a vrrp_instance, a real_server...): its keywords and its end. */
interface ParseContext {
    /** The block's keyword table; asked once when the block opens. */
    Map<String, KeywordHandler> keywords();

    /** The block's closing brace was read. */
    default void end() {}
}
