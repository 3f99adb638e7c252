package capsa.admin;

import java.util.ArrayList;
import java.util.List;

/** A plain text table, columns padded to their widest cell (the last column is not padded). */
final class Table {

    private final List<List<String>> rows = new ArrayList<>();

    Table(String... header) {
        rows.add(List.of(header));
    }

    Table add(String... cells) {
        rows.add(List.of(cells));
        return this;
    }

    int size() {
        return rows.size() - 1;
    }

    String render() {
        int columns = rows.get(0).size();
        int[] width = new int[columns];
        for (List<String> r : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(i == columns - 1 ? r.get(i) : String.format("%-" + width[i] + "s  ", r.get(i)));
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        return b.toString();
    }
}
