/** The tab's title: the number of agents waiting for the user in front, when there are any. */
export function tabTitle(waiting: number): string {
  return waiting > 0 ? `(${waiting}) Switchyard` : 'Switchyard';
}
