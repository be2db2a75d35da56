"""Reading inputs and writing what propmark produces: readers, the results journal, exports, atomic files."""
