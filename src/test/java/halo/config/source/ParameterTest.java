package halo.config.source;

import static halo.config.source.Reading.diagnostics;
import static halo.config.source.Reading.read;
import static halo.config.source.Reading.render;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** @ID conditionals and $NAME parameters, as keepalived.conf(5) "ADVANCED CONFIGURATION" (checked with keepalived -t). */
class ParameterTest {

    @Test
    void conditionalLinesAreKeptForTheirConfigIdOnly() {
        String text = """
                global_defs {
                    @main   router_id main_router
                    @backup router_id backup_router
                }
                unicast_peer {
                    @^main    192.0.2.4
                    @^backup  192.0.2.5
                    @^backup2 192.0.2.6
                }
                """;
        assertThat(render(read(text, "main"))).containsExactly(
                "global_defs {", "  router_id main_router", "}", "unicast_peer {", "  192.0.2.5", "  192.0.2.6", "}");
        assertThat(render(read(text, "other"))).containsExactly(
                "global_defs {", "}", "unicast_peer {", "  192.0.2.4", "  192.0.2.5", "  192.0.2.6", "}");
    }

    @Test
    void aConditionalWithNothingAfterItsIdIsDropped() {
        assertThat(render(read("@main\n@main   \nx\n", "main"))).containsExactly("x");
    }

    @Test
    void theDefaultConfigIdIsTheShortHostName() {
        String id = ConfigReader.Options.defaultConfigId();
        assertThat(id).doesNotContain(".");
        ConfigReader.Result r = ConfigReader.read("@" + id + " mine\n@^" + id + " not_mine\n${_INSTANCE}\n", Path.of("t.conf"),
                new ConfigReader.Options(null, Map.of(), 1, 1000));
        assertThat(render(r)).containsExactly("mine", id);
    }

    @Test
    void parametersAreReplacedWithOrWithoutBraces() {
        ConfigReader.Result r = read("""
                $PRIO=150
                $IF=eth0
                priority $PRIO
                interface ${IF}.10
                a $PRIO,$IF) x
                not $PRIO.replaced
                undefined ${NOPE} $NOPE
                $EMPTY=
                e${EMPTY}e
                """);
        assertThat(render(r)).containsExactly(
                "priority 150", "interface eth0.10", "a 150,eth0) x", "not $PRIO.replaced",
                // an undefined ${X} stays, and keepalived then cuts the line at its braces
                "undefined $ {", "  NOPE", "}", "$NOPE",
                "ee");
    }

    @Test
    void aBlankBeforeTheEqualsSignIsNoDefinition() {
        assertThat(render(read("$A = 1\n"))).containsExactly("$A = 1");
    }

    @Test
    void substitutionIsLazyAndRecursiveAParameterDefinedAfterItsUseInADefinitionIsFound() {
        // keepalived.conf(5): the substitution is done at replacement time, not at definition time
        ConfigReader.Result r = read("""
                $ADDRESS_BASE=10.2.${ADDRESS_BASE_SUB}
                $ADDRESS_BASE_SUB=0
                ${ADDRESS_BASE}.100/32
                $ADDRESS_BASE_SUB=10
                ${ADDRESS_BASE}.100/32
                """);
        assertThat(render(r)).containsExactly("10.2.0.100/32", "10.2.10.100/32");
    }

    @Test
    void aParameterUsedBeforeItsDefinitionStaysAsWritten() {
        ConfigReader.Result r = read("priority $LATER\n$LATER=100\npriority $LATER\n");
        assertThat(render(r)).containsExactly("priority $LATER", "priority 100");
    }

    @Test
    void parametersWorkWithConditionals() {
        String text = "@main $PRIORITY=240\n@backup $PRIORITY=200\npriority $PRIORITY\n$IF_MAIN=@main\n$IF_MAIN nopreempt\n";
        assertThat(render(read(text, "main"))).containsExactly("priority 240", "nopreempt");
        assertThat(render(read(text, "backup"))).containsExactly("priority 200");
    }

    @Test
    void multiLineDefinitionsExpandToTheirLinesAndNest() {
        ConfigReader.Result r = read("""
                $RS= \\
                real_server 192.0.2.${RS_NUM} 80 { \\
                    weight 1 \\
                }
                $VS= \\
                virtual_server 203.0.113.${VS_NUM} 80 { \\
                    $RS_NUM=1 \\
                    $RS \\
                    $RS_NUM=2 \\
                    $RS \\
                }

                $VS_NUM=1
                $VS
                """);
        assertThat(render(r)).containsExactly(
                "virtual_server 203.0.113.1 80 {",
                "  real_server 192.0.2.1 80 {", "    weight 1", "  }",
                "  real_server 192.0.2.2 80 {", "    weight 1", "  }",
                "}");
        assertThat(r.diagnostics()).isEmpty();
        // generated lines carry the line that used the parameter
        assertThat(r.statements().getFirst().block().get(1).location().line()).isEqualTo(14);
    }

    @Test
    void aMultiLineParameterIsOnlyExpandedAtTheEndOfALineAndAnEmptyLineEndsTheDefinition() {
        ConfigReader.Result r = read("$M= \\\n  m1 a \\\n  m2\n\nx $M tail\nq${M}\n$N=first \\\n\nnot_in_n\n$N\n");
        assertThat(render(r)).containsExactly("x $M tail", "qm1 a", "m2", "not_in_n", "first");
    }

    @Test
    void predefinedParameters() {
        ConfigReader.Result r = read("""
                i ${_INSTANCE}
                e ${_ENV HALO_TEST_VAR} [${_ENV NOT_SET}]
                h a${_HASH}b c${_BANG}d
                r ${_RANDOM 7 7}
                $_INSTANCE=overridden
                i ${_INSTANCE}
                """, "node1");
        assertThat(render(r)).containsExactly("i node1", "e from-env []", "h a#b c!d", "r 7", "i overridden");
    }

    @Test
    void randomIsWithinItsRangeAndRepeatableWithASeed() {
        String text = "~SEQ(i,1,200) r ${_RANDOM 10 20}\n";
        ConfigReader.Result a = read(text);
        assertThat(a.statements()).hasSize(200).allSatisfy(s -> assertThat(Integer.parseInt(s.words().get(1))).isBetween(10, 20));
        assertThat(render(read(text))).isEqualTo(render(a));
        assertThat(a.statements().stream().map(s -> s.words().get(1)).distinct().count()).isGreaterThan(5);
        assertThat(read("${_RANDOM}\n").statements().getFirst().keyword()).matches("[0-9]+");
    }

    @Test
    void aParameterDefinedThroughItselfIsCutNotHung() {
        ConfigReader.Result r = read("$P=${Q}\n$Q=${P}\nvalue $P\n$A=x$A\nnext $A\n");
        assertThat(diagnostics(r)).hasSize(2).allSatisfy(d -> assertThat(d).contains("warning: Parameter substitution on line"));
        assertThat(r.statements()).extracting(Statement::keyword).contains("value", "next");
    }

    @Test
    void aGeneratorInsideAParameterRunsAfterSubstitution() {
        ConfigReader.Result r = read("$GEN=~SEQ(i,1,2) ip 192.0.2.${i}\n$GEN\n");
        assertThat(render(r)).containsExactly("ip 192.0.2.1", "ip 192.0.2.2");
    }
}
