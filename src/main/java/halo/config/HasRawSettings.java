package halo.config;

import java.util.List;

/** A block's builder that keeps keywords verbatim ({@link KeywordTable#raw}). */
interface HasRawSettings {
    List<RawSetting> raw();
}
