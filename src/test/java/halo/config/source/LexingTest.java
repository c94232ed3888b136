package halo.config.source;

import static halo.config.source.Reading.diagnostics;
import static halo.config.source.Reading.read;
import static halo.config.source.Reading.render;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Comments, quotes, braces, line ends: what keepalived 2.2.7's parser makes of them (checked with keepalived -t). */
class LexingTest {

    @Test
    void bracesOnTheSameOrNextLineAndSeveralPerLineGiveTheSameTree() {
        String sameLine = """
                vrrp_instance VI_1 {
                    state MASTER
                    virtual_ipaddress {
                        192.0.2.10/24
                    }
                }
                """;
        String nextLine = """
                vrrp_instance VI_1
                {
                    state MASTER
                    virtual_ipaddress
                    {
                        192.0.2.10/24
                    }
                }
                """;
        String oneLine = "vrrp_instance VI_1 { state MASTER\nvirtual_ipaddress { 192.0.2.10/24 } }\n";
        List<String> expected = List.of(
                "vrrp_instance VI_1 {",
                "  state MASTER",
                "  virtual_ipaddress {",
                "    192.0.2.10/24",
                "  }",
                "}");
        for (String text : List.of(sameLine, nextLine, oneLine)) {
            ConfigReader.Result r = read(text);
            assertThat(render(r)).as(text).isEqualTo(expected);
            assertThat(r.diagnostics()).as(text).isEmpty();
        }
    }

    @Test
    void statementsKnowTheirFileAndLine() {
        ConfigReader.Result r = read("global_defs {\n\n  router_id r1\n}\n");
        Statement global = r.statements().getFirst();
        assertThat(global.location()).isEqualTo(new SourceLocation(Path.of("test.conf"), 1));
        assertThat(global.block().getFirst().location().line()).isEqualTo(3);
        assertThat(global.block().getFirst().location().toString()).isEqualTo("test.conf:3");
    }

    @Test
    void bangAndHashStartCommentsAnywhereOutsideDoubleQuotes() {
        ConfigReader.Result r = read("""
                ! a whole-line comment
                # another
                router_id r1 # trailing
                smtp_server 192.0.2.1 ! trailing bang
                notification_email_from "a#b!c@example.com"   # the quoted # and ! stay
                script 'x # y'
                """);
        assertThat(render(r)).containsExactly(
                "router_id r1",
                "smtp_server 192.0.2.1",
                "notification_email_from a#b!c@example.com",
                "script 'x"); // single quotes do not protect a comment character
        assertThat(r.diagnostics()).isEmpty();
    }

    @Test
    void escapedCommentCharactersAreLiteral() {
        ConfigReader.Result r = read("url_path /a\\#b\\!c # comment\n");
        assertThat(render(r)).containsExactly("url_path /a#b!c");
    }

    @Test
    void doubleQuotesGroupWordsAndAreRemovedSingleQuotesAreOrdinary() {
        ConfigReader.Result r = read("""
                a "b c"d e"f g"h
                notify "/usr/bin/notify.sh 'arg with space'"
                k 'x y'
                empty ""
                """);
        assertThat(r.statements().get(0).words()).containsExactly("a", "b c", "d", "e", "f g", "h");
        assertThat(r.statements().get(1).words()).containsExactly("notify", "/usr/bin/notify.sh 'arg with space'");
        assertThat(r.statements().get(2).words()).containsExactly("k", "'x", "y'");
        assertThat(r.statements().get(3).words()).containsExactly("empty", "");
    }

    @Test
    void bracesInsideDoubleQuotesDoNotOpenBlocks() {
        ConfigReader.Result r = read("misc_path \"/bin/check {x} }\"\nother 1\n");
        assertThat(render(r)).containsExactly("misc_path \"/bin/check {x} }\"", "other 1");
        assertThat(r.diagnostics()).isEmpty();
    }

    @Test
    void backslashEscapesStayInTheWordsAndTheTextKeepsTheLineForScripts() {
        ConfigReader.Result r = read("notify \"/bin/echo \\\"hi there\\\"\" \\t\n");
        Statement s = r.statements().getFirst();
        // keepalived's generic word splitting knows no escapes: the text is what script keywords re-read
        assertThat(s.text()).isEqualTo("notify \"/bin/echo \\\"hi there\\\"\" \\t");
        assertThat(Words.splitQuotedEscaped(s.text()).words()).containsExactly("notify", "/bin/echo \"hi there\"", "\t");
    }

    @Test
    void crlfLineEndsAreIgnored() {
        ConfigReader.Result r = read("global_defs {\r\n  router_id r1\r\n}\r\nvrrp_script chk {\r\n  script \"/bin/true\"\r\n}\r\n");
        assertThat(render(r)).containsExactly(
                "global_defs {", "  router_id r1", "}", "vrrp_script chk {", "  script /bin/true", "}");
        assertThat(r.diagnostics()).isEmpty();
    }

    @Test
    void utf8ChineseCommentsAndTextSurvive() {
        ConfigReader.Result r = read("""
                ! 全局配置
                global_defs {
                   router_id LVS_DEVEL   # 标识本节点的字符串
                }
                vrrp_instance VI_1 {     #定义虚拟路由
                   state MASTER          #主节点
                   notify_master "/etc/keepalived/通知.sh"
                }
                """);
        assertThat(render(r)).containsExactly(
                "global_defs {", "  router_id LVS_DEVEL", "}",
                "vrrp_instance VI_1 {", "  state MASTER", "  notify_master /etc/keepalived/通知.sh", "}");
        assertThat(r.diagnostics()).isEmpty();
    }

    @Test
    void anUnterminatedQuoteIsReportedOnceAndTheLineKeepsItsWordsBeforeIt() {
        ConfigReader.Result r = read("global_defs {\n  router_id \"r1\n}\n");
        assertThat(render(r)).containsExactly("global_defs {", "  router_id", "}");
        assertThat(diagnostics(r)).containsExactly("2: warning: Unterminated quote 'router_id \"r1' (a closing \" is missing)");
        assertThat(r.diagnostics().getFirst().token()).isEqualTo("router_id \"r1");
    }

    @Test
    void aStrayClosingBraceIsReported() {
        ConfigReader.Result r = read("global_defs {\n  router_id r1\n}\n}\nvrrp_script x {\n}\n");
        assertThat(diagnostics(r)).containsExactly("4: warning: Extra '}' found");
        assertThat(render(r)).containsExactly("global_defs {", "  router_id r1", "}", "vrrp_script x {", "}");
    }

    @Test
    void aMissingClosingBraceNamesWhereTheBlockOpened() {
        ConfigReader.Result r = read("""
                global_defs {
                  router_id r1
                }
                vrrp_instance VI_1 {
                  state MASTER
                  virtual_ipaddress {
                    192.0.2.1
                }
                """);
        assertThat(diagnostics(r)).containsExactly(
                "4: warning: missing '}' at end of configuration: block 'vrrp_instance VI_1' opened here is not closed");
        // what keepalived reads: the address block closed, the instance runs to the end
        assertThat(render(r)).containsExactly("global_defs {", "  router_id r1", "}",
                "vrrp_instance VI_1 {", "  state MASTER", "  virtual_ipaddress {", "    192.0.2.1", "  }", "}");
    }

    @Test
    void aBraceThatFollowsNoStatementIsIgnoredAndItsCloseEndsTheEnclosingBlock() {
        ConfigReader.Result r = read("""
                virtual_server 192.0.2.1 80 {
                  }
                  {
                  lb_algo rr
                }
                """);
        // keepalived: "Unexpected '{' - ignoring" for line 3; line 2 already closed the block
        assertThat(diagnostics(r)).containsExactly("3: warning: Unexpected '{' - ignoring", "5: warning: Unknown keyword '}'");
        assertThat(render(r)).containsExactly("virtual_server 192.0.2.1 80 {", "}", "lb_algo rr");
    }

    @Test
    void aCommentOrBlankLineBetweenKeywordAndBraceStillOpensTheBlock() {
        ConfigReader.Result r = read("real_server 192.0.2.2 80\n# comment\n\n{\n weight 1\n}\n");
        assertThat(render(r)).containsExactly("real_server 192.0.2.2 80 {", "  weight 1", "}");
    }

    @Test
    void theTextOfAStatementIsItsLineWithoutCommentAndBrace() {
        ConfigReader.Result r = read("vrrp_script chk_nginx {   # check\n  script \"killall -0 nginx\"  ! bang\n}\n");
        Statement script = r.statements().getFirst();
        assertThat(script.text()).isEqualTo("vrrp_script chk_nginx");
        assertThat(script.block().getFirst().text()).isEqualTo("script \"killall -0 nginx\"");
    }

    @Test
    void aMissingFileIsFatal() {
        ConfigReader.Result r = ConfigReader.read(Path.of("/nonexistent/halo/keepalived.conf"), Reading.options("main"));
        assertThat(r.statements()).isEmpty();
        assertThat(r.hasFatal()).isTrue();
        assertThat(r.diagnostics().getFirst().message()).contains("/nonexistent/halo/keepalived.conf");
    }

    @Test
    void nulBytesEndTheLineAsInC() {
        ConfigReader.Result r = read("router_id r1\0garbage\nnext 1\n");
        assertThat(render(r)).containsExactly("router_id r1", "next 1");
    }

    @Test
    void aFileThatIsNotValidUtf8IsReadWithReplacementCharacters(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path f = dir.resolve("latin1.conf");
        // "router_id café" in ISO-8859-1: 0xE9 alone is not UTF-8
        byte[] text = "global_defs {\n    router_id caf\u00e9\n}\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        java.nio.file.Files.write(f, text);
        ConfigReader.Result r = ConfigReader.read(f, Reading.options("main"));
        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.statements().getFirst().block().getFirst().words()).containsExactly("router_id", "caf\uFFFD");
        assertThat(ConfigReader.read(f, Reading.options("main"), s -> {}).statements()).isEqualTo(r.statements());
    }
}
