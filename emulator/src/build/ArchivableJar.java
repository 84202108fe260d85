import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * Part of {@code make build}: rewrites the classes of the shaded jar that are older than Java 6
 * (picocli's and ASM's, compiled for Java 5) as Java 8 class files with stack-map frames, in place.
 *
 * <p>Why: the JVM's class-data sharing never archives a class file older than version 50, so
 * every start-up loaded, parsed and verified picocli's two hundred classes from the jar (and the
 * translator's ASM), about 40 ms of a short run. Rewritten, they go into the archive
 * {@code make build} writes with the rest. The bytecode is unchanged; only the version and the
 * frames (computed by ASM) are new.
 *
 * <p>Every rewritten class is then loaded and initialised from the new jar, so that a frame the
 * verifier rejects fails the build here rather than a later run.
 *
 * <p>Run with the jar itself on the class path (it holds ASM): {@code java -cp JAR
 * emulator/src/build/ArchivableJar.java JAR}.
 */
public final class ArchivableJar {
    private static final int OLDEST_ARCHIVABLE = 50;

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: ArchivableJar JAR");
            System.exit(2);
        }
        Path jar = Path.of(args[0]);
        Path rewritten = jar.resolveSibling(jar.getFileName() + ".rewritten");
        List<String> upgraded;
        try (URLClassLoader original = loaderOf(jar)) {
            upgraded = rewrite(jar, rewritten, original);
        }
        try (URLClassLoader check = loaderOf(rewritten)) {
            for (String name : upgraded) {
                Class.forName(name, true, check);
            }
        } catch (LinkageError | ClassNotFoundException e) {
            Files.deleteIfExists(rewritten);
            System.err.println("ArchivableJar: " + jar + ": a rewritten class does not load: " + e);
            System.exit(1);
        }
        Files.move(rewritten, jar, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("ArchivableJar: " + upgraded.size() + " classes of " + jar + " rewritten as Java 8 class files");
    }

    private static URLClassLoader loaderOf(Path jar) throws IOException {
        return new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    }

    /** Copies {@code from} to {@code to}, upgrading old classes; returns their binary names. */
    private static List<String> rewrite(Path from, Path to, ClassLoader hierarchy) throws IOException {
        List<String> upgraded = new ArrayList<>();
        try (ZipFile in = new ZipFile(from.toFile()); OutputStream file = Files.newOutputStream(to);
                ZipOutputStream out = new ZipOutputStream(file)) {
            for (ZipEntry entry : Collections.list(in.entries())) {
                byte[] bytes = in.getInputStream(entry).readAllBytes();
                // (Versioned entries under META-INF are left as they are: their names are no class names.)
                if (entry.getName().endsWith(".class") && !entry.getName().startsWith("META-INF/")
                        && majorVersion(bytes) < OLDEST_ARCHIVABLE) {
                    bytes = upgrade(bytes, hierarchy);
                    upgraded.add(entry.getName().replace('/', '.').substring(0, entry.getName().length() - 6));
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        }
        return upgraded;
    }

    private static int majorVersion(byte[] classFile) {
        return classFile.length < 8 ? Integer.MAX_VALUE : (classFile[6] & 0xFF) << 8 | classFile[7] & 0xFF;
    }

    private static byte[] upgrade(byte[] classFile, ClassLoader hierarchy) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            // Frames merge types by their common superclass, which ASM finds by loading them.
            @Override
            protected ClassLoader getClassLoader() {
                return hierarchy;
            }
        };
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                    String[] interfaces) {
                super.visit(Opcodes.V1_8, access, name, signature, superName, interfaces);
            }
        }, ClassReader.SKIP_FRAMES);
        return writer.toByteArray();
    }
}
