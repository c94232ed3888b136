package halo.config;

import halo.config.source.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/** The top level of keepalived.conf: its keyword table, the builders of every top-level block, and the completed model. */
final class KeepalivedConfigBuilder implements ParseContext {
    private final ConfigParser parser;
    final Map<String, KeywordHandler> keywords = new HashMap<>();
    final GlobalDefsBuilder global;
    final List<VirtualAddress> staticAddresses = new ArrayList<>();
    final List<VirtualRoute> staticRoutes = new ArrayList<>();
    final List<VirtualRule> staticRules = new ArrayList<>();
    final List<StaticTrackGroup> staticTrackGroups = new ArrayList<>();
    final List<VrrpScriptBuilder> scripts = new ArrayList<>();
    final List<TrackFileBuilder> trackFiles = new ArrayList<>();
    final List<TrackProcessBuilder> trackProcesses = new ArrayList<>();
    final List<SyncGroupBuilder> syncGroups = new ArrayList<>();
    final List<VrrpInstanceBuilder> instances = new ArrayList<>();
    final List<BfdInstanceBuilder> bfds = new ArrayList<>();
    SslSettingsBuilder ssl;
    final List<VirtualServerGroup> vsGroups = new ArrayList<>();
    final List<VirtualServerBuilder> virtualServers = new ArrayList<>();
    final VrrpParser vrrp;
    final CheckParser check;

    KeepalivedConfigBuilder(ConfigParser parser) {
        this.parser = parser;
        this.global = new GlobalDefsBuilder(parser);
        this.vrrp = new VrrpParser(parser);
        this.check = new CheckParser(parser);
        KeywordTable.<KeepalivedConfigBuilder>block(keywords, "global_defs", (r, s) -> global);
        KeywordTable.valueBlock(keywords, "static_ipaddress", (KeepalivedConfigBuilder r, Statement s) -> {
            for (Statement line : s.block()) {
                VirtualAddress a = vrrp.virtualAddress(line);
                if (a != null) {
                    staticAddresses.add(a);
                }
            }
        });
        KeywordTable.valueBlock(keywords, "static_routes", (KeepalivedConfigBuilder r, Statement s) -> {
            for (Statement line : s.block()) {
                VirtualRoute a = vrrp.route(line);
                if (a != null) {
                    staticRoutes.add(a);
                }
            }
        });
        KeywordTable.valueBlock(keywords, "static_rules", (KeepalivedConfigBuilder r, Statement s) -> {
            for (Statement line : s.block()) {
                VirtualRule a = vrrp.rule(line);
                if (a != null) {
                    staticRules.add(a);
                }
            }
        });
        KeywordTable.<KeepalivedConfigBuilder>block(keywords, "track_group", (r, s) -> {
            String name = parser.duplicateName(s, "track_group");
            return name == null ? null : new StaticTrackGroupBuilder(parser, name);
        });
        KeywordTable.<KeepalivedConfigBuilder>block(keywords, "vrrp_script", (r, s) -> named(s, s.keyword(),
                scripts, x -> x.name, "vrrp script %s already defined - ignoring",
                (name, at) -> new VrrpScriptBuilder(parser, name, at)));
        BiFunction<KeepalivedConfigBuilder, Statement, ParseContext> trackFile = (r, s) -> named(s, s.keyword(),
                trackFiles, x -> x.name, "track_file %s already defined - ignoring",
                (name, at) -> new TrackFileBuilder(parser, name, at));
        KeywordTable.<KeepalivedConfigBuilder>block(keywords, "track_file", trackFile);
        KeywordTable.<KeepalivedConfigBuilder>block(keywords, "vrrp_track_file", trackFile);
        KeywordTable.<KeepalivedConfigBuilder>block(keywords, "vrrp_track_process", (r, s) -> named(s, s.keyword(),
                trackProcesses, x -> x.name, "vrrp_track_process %s already defined - ignoring",
                (name, at) -> new TrackProcessBuilder(parser, name, at)));
        KeywordTable.<KeepalivedConfigBuilder>block(keywords, "vrrp_sync_group", (r, s) -> named(s, s.keyword(),
                syncGroups, x -> x.name, "vrrp sync group %s already defined",
                (name, at) -> new SyncGroupBuilder(parser, name, at)));
        KeywordTable.<KeepalivedConfigBuilder>block(keywords, "vrrp_instance", (r, s) -> {
            if (s.words().size() != 2) {
                parser.warn(s, s.keyword(), "vrrp_instance must have a name");
                return null;
            }
            String name = s.words().get(1);
            if (instances.stream().anyMatch(x -> x.name.equals(name))) {
                parser.warn(s, name, "vrrp instance " + name + " already defined");
                return null;
            }
            VrrpInstanceBuilder b = new VrrpInstanceBuilder(vrrp, name, s);
            instances.add(b);
            return b;
        });
        KeywordTable.<KeepalivedConfigBuilder>block(keywords, "bfd_instance", (r, s) -> named(s, s.keyword(),
                bfds, x -> x.name, "BFD instance %s already configured",
                (name, at) -> new BfdInstanceBuilder(parser, name, at)));
        KeywordTable.<KeepalivedConfigBuilder>block(keywords, "SSL", (r, s) -> {
            if (ssl == null) {
                ssl = new SslSettingsBuilder(parser);
            }
            return ssl;
        });
        KeywordTable.valueBlock(keywords, "virtual_server_group", (KeepalivedConfigBuilder r, Statement s) -> {
            VirtualServerGroup g = check.group(s);
            if (g != null) {
                if (vsGroups.stream().anyMatch(x -> x.name().equals(g.name()))) {
                    parser.warn(s, g.name(), "virtual_server_group " + g.name() + " already defined - ignoring");
                } else {
                    vsGroups.add(g);
                }
            }
        });
        KeywordTable.<KeepalivedConfigBuilder>block(keywords, "virtual_server", (r, s) -> {
            VirtualServerBuilder b = check.virtualServer(s);
            if (b != null) {
                virtualServers.add(b);
            }
            return b;
        });
        // top-level keywords keepalived knows (namespaces, linkbeat, pid files) kept as-is in global_defs, and blocks
        // (GARP aggregation groups, link-beat polling, static track groups, up/down delays): Halo does not use them
        KeywordTable.unusedBlocks(keywords, "garp_group", "linkbeat_interfaces", "track_group",
                "interface_up_down_delays");
        for (String k : List.of("net_namespace", "net_namespace_ipvs", "namespace_with_ipsets", "instance",
                "use_pid_dir", "child_wait_time", "linkbeat_use_polling")) {
            keywords.put(k, new KeywordHandler.Line((c, s) -> global.raw.add(new RawSetting(s.keyword(), s.args()))));
            KeywordTable.unused(keywords, k);
        }
        // BFD is not implemented: the whole block is read as keepalived reads it, and reported
        KeywordTable.unused(keywords, "bfd_instance");
    }

    private static final java.util.Set<String> READS_NAME_UNCHECKED = java.util.Set.of("vrrp_script",
            "vrrp_track_process", "track_file", "vrrp_track_file");

    /**
     * A named block (vrrp_script NAME, bfd_instance NAME...): its new builder, added to {@code defined}; null (the
     * block is skipped) when the name is missing or, as keepalived says with {@code duplicate}, already defined.
     */
    private <B> B named(Statement s, String keyword, List<B> defined, Function<B, String> nameOf, String duplicate,
                        BiFunction<String, Statement, B> make) {
        // keepalived 2.2.7 reads these names unchecked: alone, the keyword stops it (missing a parameter)
        if (s.words().size() < 2 && READS_NAME_UNCHECKED.contains(keyword)) {
            parser.missingParameter(s, 1);
            return null;
        }
        String name = parser.duplicateName(s, keyword);
        if (name == null) {
            return null;
        }
        for (B other : defined) {
            if (nameOf.apply(other).equals(name)) {
                parser.warn(s, name, duplicate.replace("%s", name));
                return null;
            }
        }
        B builder = make.apply(name, s);
        defined.add(builder);
        return builder;
    }

    @Override
    public Map<String, KeywordHandler> keywords() {
        return keywords;
    }

    KeepalivedConfig build() {
        GlobalDefs g = global.build();
        List<VrrpScript> builtScripts = scripts.stream().map(VrrpScriptBuilder::build).filter(x -> x != null).toList();
        List<TrackFile> builtFiles = trackFiles.stream().map(TrackFileBuilder::build).filter(x -> x != null).toList();
        List<TrackProcess> builtProcs = trackProcesses.stream().map(TrackProcessBuilder::build).filter(x -> x != null).toList();
        List<BfdInstance> builtBfds = bfds.stream().map(BfdInstanceBuilder::build).filter(x -> x != null).toList();
        List<VrrpInstance> builtInstances = vrrp.complete(instances, g, builtScripts, builtFiles, builtProcs, builtBfds);
        List<VrrpSyncGroup> builtGroups = vrrp.completeGroups(syncGroups, builtInstances, builtScripts, builtFiles,
                builtProcs, builtBfds);
        List<VirtualServer> builtVs = check.complete(virtualServers, vsGroups, builtFiles, builtBfds);
        return new KeepalivedConfig(g, staticAddresses, staticRoutes, staticRules, staticTrackGroups.isEmpty()
                ? List.of() : staticTrackGroups, builtScripts, builtFiles, builtProcs, builtGroups, builtInstances,
                builtBfds, ssl == null ? null : ssl.build(), vsGroups, builtVs);
    }
}
