package halo.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * nftables through libnftables (the library behind the {@code nft} command): a ruleset in nft's own language, applied
 * as one transaction by {@link #run}. Available where libnftables.so.1 is installed ({@link #isAvailable()}). The
 * kernel talks to the calling thread's network namespace. One context is not safe for concurrent use; calls are
 * serialized.
 */
@SuppressWarnings("restricted") // native access is enabled with --enable-native-access (see HostOs)
public final class Nftables implements AutoCloseable {
    private static final String LIBRARY = "libnftables.so.1";
    private static final Throwable UNAVAILABILITY;
    private static final MethodHandle CTX_NEW;
    private static final MethodHandle CTX_FREE;
    private static final MethodHandle BUFFER_OUTPUT;
    private static final MethodHandle BUFFER_ERROR;
    private static final MethodHandle GET_OUTPUT;
    private static final MethodHandle GET_ERROR;
    private static final MethodHandle RUN_CMD;
    private static final MethodHandle OUTPUT_SET_FLAGS;
    /** NFT_CTX_OUTPUT_JSON (libnftables' enum nft_ctx_output_flags). */
    private static final int OUTPUT_JSON = 1 << 4;

    static {
        Throwable cause = null;
        MethodHandle ctxNew = null;
        MethodHandle ctxFree = null;
        MethodHandle bufferOutput = null;
        MethodHandle bufferError = null;
        MethodHandle getOutput = null;
        MethodHandle getError = null;
        MethodHandle run = null;
        MethodHandle outputSetFlags = null;
        try {
            SymbolLookup lib = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
            Linker linker = Linker.nativeLinker();
            // struct nft_ctx *nft_ctx_new(uint32_t flags)
            ctxNew = linker.downcallHandle(lib.findOrThrow("nft_ctx_new"), FunctionDescriptor.of(ADDRESS, JAVA_INT));
            // void nft_ctx_free(struct nft_ctx *ctx)
            ctxFree = linker.downcallHandle(lib.findOrThrow("nft_ctx_free"), FunctionDescriptor.ofVoid(ADDRESS));
            // int nft_ctx_buffer_output(struct nft_ctx *ctx) / nft_ctx_buffer_error
            bufferOutput = linker.downcallHandle(lib.findOrThrow("nft_ctx_buffer_output"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS));
            bufferError = linker.downcallHandle(lib.findOrThrow("nft_ctx_buffer_error"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS));
            // const char *nft_ctx_get_output_buffer(struct nft_ctx *ctx) / nft_ctx_get_error_buffer
            getOutput = linker.downcallHandle(lib.findOrThrow("nft_ctx_get_output_buffer"),
                    FunctionDescriptor.of(ADDRESS, ADDRESS));
            getError = linker.downcallHandle(lib.findOrThrow("nft_ctx_get_error_buffer"),
                    FunctionDescriptor.of(ADDRESS, ADDRESS));
            // int nft_run_cmd_from_buffer(struct nft_ctx *nft, const char *buf)
            run = linker.downcallHandle(lib.findOrThrow("nft_run_cmd_from_buffer"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
            // void nft_ctx_output_set_flags(struct nft_ctx *ctx, unsigned int flags)
            outputSetFlags = linker.downcallHandle(lib.findOrThrow("nft_ctx_output_set_flags"),
                    FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            cause = e;
        }
        UNAVAILABILITY = cause;
        CTX_NEW = ctxNew;
        CTX_FREE = ctxFree;
        BUFFER_OUTPUT = bufferOutput;
        BUFFER_ERROR = bufferError;
        GET_OUTPUT = getOutput;
        GET_ERROR = getError;
        RUN_CMD = run;
        OUTPUT_SET_FLAGS = outputSetFlags;
    }

    /** nft's failures: the library's error text (nft's own message, naming the line). */
    public static final class NftablesException extends IOException {
        NftablesException(String message) {
            super(message);
        }
    }

    private MemorySegment ctx;

    private Nftables(MemorySegment ctx) {
        this.ctx = ctx;
    }

    public static boolean isAvailable() {
        return UNAVAILABILITY == null;
    }

    /** Why libnftables cannot be used here, or null. */
    public static Throwable unavailabilityCause() {
        return UNAVAILABILITY;
    }

    /** A context with its output and errors kept for {@link #run} to return. */
    public static Nftables open() {
        if (UNAVAILABILITY != null) {
            throw new IllegalStateException(LIBRARY + " unavailable: " + UNAVAILABILITY.getMessage(), UNAVAILABILITY);
        }
        try {
            MemorySegment ctx = (MemorySegment) CTX_NEW.invokeExact(0); // NFT_CTX_DEFAULT
            if (ctx.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("nft_ctx_new failed");
            }
            int a = (int) BUFFER_OUTPUT.invokeExact(ctx);
            int b = (int) BUFFER_ERROR.invokeExact(ctx);
            if (a != 0 || b != 0) {
                CTX_FREE.invokeExact(ctx);
                throw new IllegalStateException("nft_ctx_buffer_output/error failed");
            }
            return new Nftables(ctx);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** A context whose listings come back as JSON ({@code nft -j}), for reading counters and sets. */
    public static Nftables openJson() {
        Nftables n = open();
        try {
            OUTPUT_SET_FLAGS.invokeExact(n.ctx, OUTPUT_JSON);
        } catch (Throwable t) {
            n.close();
            throw Native.unexpected(t);
        }
        return n;
    }

    /** Runs COMMANDS (nft's language, one transaction); returns nft's output; throws with nft's error text. */
    public synchronized String run(String commands) throws NftablesException {
        if (ctx == null) {
            throw new IllegalStateException("nftables context closed");
        }
        try (Arena a = Arena.ofConfined()) {
            int rc = (int) RUN_CMD.invokeExact(ctx, a.allocateFrom(commands));
            String error = text((MemorySegment) GET_ERROR.invokeExact(ctx));
            String output = text((MemorySegment) GET_OUTPUT.invokeExact(ctx));
            if (rc != 0) {
                throw new NftablesException(error.isBlank() ? "nft failed (" + rc + ")" : error.strip());
            }
            return output;
        } catch (NftablesException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    private static String text(MemorySegment cString) {
        return cString.equals(MemorySegment.NULL) ? "" : cString.reinterpret(Long.MAX_VALUE).getString(0);
    }

    @Override
    public synchronized void close() {
        if (ctx != null) {
            try {
                CTX_FREE.invokeExact(ctx);
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
            ctx = null;
        }
    }
}
