package org.j386.emulator.cli;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * picocli's model of one command, built by hand: its options, each bound to a field of the
 * command object, its help and its exit-status footer.
 *
 * <p>Why not picocli's annotations: reading them cost 40-80 ms at every start (the JDK generates a
 * proxy class for each annotation type, then picocli reflects over every field), a tenth of a
 * short run's whole process, where this costs under 10 ms. The help it prints is the same.
 */
final class CommandModel {
    private final CommandSpec spec;

    private CommandModel(Object command, String name) {
        spec = CommandSpec.wrapWithoutInspection(command).name(name);
    }

    /** A command run by {@code command} (a {@code Callable} or {@code Runnable}). */
    static CommandModel of(Object command, String name, String... description) {
        CommandModel model = new CommandModel(command, name);
        model.spec.usageMessage().description(description);
        return model;
    }

    /** Lists the options in the order they were added, as the help reads best. */
    CommandModel unsorted() {
        spec.usageMessage().sortOptions(false);
        return this;
    }

    CommandModel version(String version) {
        spec.version(version);
        return this;
    }

    /** The exit statuses, one per line, under "Exit status:". */
    CommandModel exitStatuses(String... lines) {
        spec.usageMessage().footerHeading("%nExit status:%n").footer(lines);
        return this;
    }

    /** An option that takes no value: {@code set} hears true when it is given. */
    CommandModel flag(String name, String description, Consumer<Boolean> set) {
        return add(OptionSpec.builder(name).type(boolean.class).description(description), () -> null, set);
    }

    /** A flag for j386's own tooling, left out of the help. */
    CommandModel hiddenFlag(String name, Consumer<Boolean> set) {
        return add(OptionSpec.builder(name).type(boolean.class).hidden(true), () -> null, set);
    }

    /** An option with a text value. */
    CommandModel option(String name, String label, String description, Consumer<String> set) {
        return option(name, label, description, null, String.class, null, set);
    }

    /** An option with a text value and a default; ${DEFAULT-VALUE} in the description names it. */
    CommandModel option(String name, String label, String description, String defaultValue, Consumer<String> set) {
        return option(name, label, description, defaultValue, String.class, null, set);
    }

    /**
     * An option whose value {@code converter} (or, when null, picocli's own converter of
     * {@code type}) makes from the text; {@code defaultValue} may be null.
     */
    <T> CommandModel option(String name, String label, String description, String defaultValue, Class<T> type,
            CommandLine.ITypeConverter<T> converter, Consumer<T> set) {
        OptionSpec.Builder option = OptionSpec.builder(name).paramLabel(label).description(description).type(type);
        if (converter != null) {
            option.converters(converter);
        }
        if (defaultValue != null) {
            option.defaultValue(defaultValue);
        }
        return add(option, () -> null, set);
    }

    /**
     * An option that may be given many times, each value (or each of its values, split at
     * commas when {@code commaSeparated}) added to {@code values}.
     */
    CommandModel repeatable(String name, String label, boolean commaSeparated, List<String> values,
            String... description) {
        return repeatable(name, label, String.class, commaSeparated ? "," : null, null, values, description);
    }

    /**
     * As {@link #repeatable(String, String, boolean, List, String...)}, for values of {@code type},
     * split at {@code split} when not null, and read by {@code preprocessor} when not null.
     */
    <T> CommandModel repeatable(String name, String label, Class<T> type, String split,
            CommandLine.IParameterPreprocessor preprocessor, List<T> values, String... description) {
        OptionSpec.Builder option = OptionSpec.builder(name).paramLabel(label).description(description)
                .type(List.class).auxiliaryTypes(type);
        if (split != null) {
            option.splitRegex(split);
        }
        if (preprocessor != null) {
            option.preprocessor(preprocessor);
        }
        return add(option, () -> values, collectingInto(values));
    }

    /** Where picocli's list of values goes: into the command's own. */
    private static <T> Consumer<List<T>> collectingInto(List<T> values) {
        return given -> {
            if (given != values) {
                values.clear();
                values.addAll(given);
            }
        };
    }

    /** A value follows its option after a space, not after "=" (as nasm's options take theirs). */
    CommandModel spaceBeforeValues() {
        spec.parser().separator(" ");
        return this;
    }

    /** The first positional parameter, optional. */
    <T> CommandModel optionalParameter(String label, String description, Class<T> type, Consumer<T> set) {
        return positional(label, description, "0..1", type, null, set);
    }

    /** The first positional parameter, required; {@code converter} may be null. */
    <T> CommandModel parameter(String label, String description, Class<T> type, CommandLine.ITypeConverter<T> converter,
            Consumer<T> set) {
        return positional(label, description, "1", type, converter, set);
    }

    private <T> CommandModel positional(String label, String description, String arity, Class<T> type,
            CommandLine.ITypeConverter<T> converter, Consumer<T> set) {
        Binding<T> binding = new Binding<>(() -> null, set);
        PositionalParamSpec.Builder parameter = PositionalParamSpec.builder().index("0").arity(arity)
                .required(!arity.startsWith("0")).paramLabel(label).description(description).type(type)
                .getter(binding).setter(binding).hasInitialValue(false);
        if (converter != null) {
            parameter.converters(converter);
        }
        spec.addPositional(parameter.build());
        return this;
    }

    /**
     * Any number of positional parameters, added to {@code values}; ${COMPLETION-CANDIDATES} in the
     * description lists {@code candidates}.
     */
    CommandModel parameters(String label, String description, Iterable<String> candidates, List<String> values) {
        Binding<List<String>> binding = new Binding<>(() -> values, collectingInto(values));
        spec.addPositional(PositionalParamSpec.builder().arity("0..*").paramLabel(label).description(description)
                .type(List.class).auxiliaryTypes(String.class).completionCandidates(candidates)
                .getter(binding).setter(binding).hasInitialValue(false).build());
        return this;
    }

    @SuppressWarnings("unchecked")
    private <T> CommandModel add(OptionSpec.Builder option, Supplier<?> get, Consumer<T> set) {
        Binding<T> binding = new Binding<>((Supplier<T>) get, set);
        // No initial value to reset to: each run builds a fresh command object, whose fields
        // already hold what an absent option means.
        option.getter(binding).setter(binding).hasInitialValue(false);
        spec.addOption(option.build());
        return this;
    }

    /** The model, with -h/--help and -V/--version last, as picocli's standard help options are. */
    CommandSpec build() {
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .description("Print version information and exit.").build());
        return spec;
    }

    /** What picocli reads and writes an option through: the command's field. */
    private static final class Binding<T> implements IGetter, ISetter {
        private final Supplier<T> get;
        private final Consumer<T> set;

        Binding(Supplier<T> get, Consumer<T> set) {
            this.get = get;
            this.set = set;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <R> R get() {
            return (R) get.get();
        }

        @Override
        @SuppressWarnings("unchecked")
        public <R> R set(R value) {
            R old = get();
            if (value != null) { // an absent option with no default: the field keeps its own value
                set.accept((T) value);
            }
            return old;
        }
    }
}
