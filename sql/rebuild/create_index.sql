-- Lock: SHARE on the new table only. One of the original indexes, same definition, a temporary name.
CREATE {{unique}}INDEX {{index}} ON {{new}} {{tail}}
